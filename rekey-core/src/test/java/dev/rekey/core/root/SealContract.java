package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What every {@link Seal} must do; each seal's test extends this with a ready seal. */
abstract class SealContract {
  static final byte[] AAD = MaterialBinding.keyring();

  /** A seal that is ready to seal and open. */
  abstract Seal readySeal();

  static boolean decryptionFailed(Throwable t) {
    return t instanceof RekeyException r && r.code() == ErrorCode.DECRYPTION_FAILED;
  }

  @Test
  void seal_thenOpen_roundTrips() {
    Seal seal = readySeal();
    SecretBytes secret = SecretBytes.random(200);
    byte[] sealed = seal.seal(secret, AAD);
    assertThat(seal.open(sealed, AAD).sameAs(secret)).isTrue();
  }

  @Test
  void seal_twice_usesFreshNonces() {
    Seal seal = readySeal();
    SecretBytes secret = SecretBytes.random(32);
    assertThat(seal.seal(secret, AAD)).isNotEqualTo(seal.seal(secret, AAD));
  }

  @Test
  void open_wrongAssociatedData_failsGenerically() {
    Seal seal = readySeal();
    byte[] sealed = seal.seal(SecretBytes.random(32), AAD);
    assertThatThrownBy(() -> seal.open(sealed, MaterialBinding.system("other")))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED")
        .hasMessage("decryption failed");
  }

  @Test
  void open_tamperedBlob_failsGenerically() {
    Seal seal = readySeal();
    byte[] sealed = seal.seal(SecretBytes.random(32), AAD);
    sealed[sealed.length / 2] ^= 1;
    assertThatThrownBy(() -> seal.open(sealed, AAD)).matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
    assertThatThrownBy(() -> seal.open(new byte[5], AAD)).matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void toString_containsNoKeyMaterial() {
    Seal seal = readySeal();
    SecretBytes secret = SecretBytes.random(32);
    byte[] raw = secret.reveal(SecretAccess.get());
    String text = seal.toString();
    assertThat(text).doesNotContain(HexFormat.of().formatHex(raw)).doesNotContain(Base64.getEncoder().encodeToString(raw));
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThan(300);
  }
}
