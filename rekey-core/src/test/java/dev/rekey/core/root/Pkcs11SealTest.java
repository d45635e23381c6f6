package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.testing.SoftHsm;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** Against a real SoftHSM2 token; fails (never skips) when SoftHSM2 is missing. */
class Pkcs11SealTest extends SealContract {
  private static final String LABEL = SoftHsm.uniqueLabel();
  private static Pkcs11Seal shared;

  @Override
  synchronized Seal readySeal() {
    if (shared == null) {
      shared = Pkcs11Seal.open(SoftHsm.config(LABEL));
    }
    return shared;
  }

  @Test
  void open_existingLabel_usesTheSameKey() {
    String label = SoftHsm.uniqueLabel();
    SecretBytes secret = SecretBytes.random(32);
    byte[] sealed = Pkcs11Seal.open(SoftHsm.config(label)).seal(secret, AAD);
    Pkcs11Seal again = Pkcs11Seal.open(SoftHsm.config(label));
    assertThat(again.open(sealed, AAD).sameAs(secret)).isTrue();
  }

  @Test
  void open_otherLabel_cannotOpen() {
    byte[] sealed = readySeal().seal(SecretBytes.random(32), AAD);
    Pkcs11Seal other = Pkcs11Seal.open(SoftHsm.config(SoftHsm.uniqueLabel()));
    assertThatThrownBy(() -> other.open(sealed, AAD)).matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void generatedKey_isSensitiveAndNotExtractable() throws Exception {
    readySeal();
    Provider provider = Security.getProvider("SunPKCS11")
        .configure("--name = rekey-check\nlibrary = " + SoftHsm.LIBRARY + "\nslotListIndex = 0\n");
    KeyStore store = KeyStore.getInstance("PKCS11", provider);
    store.load(null, SoftHsm.PIN.toCharArray());
    Key key = store.getKey(LABEL, null);
    assertThat(key).isInstanceOf(SecretKey.class);
    assertThat(key.getAlgorithm()).isEqualTo("AES");
    assertThat(key.getEncoded()).as("raw key bytes must not leave the token").isNull();
    assertThat(key.toString()).contains("token object").contains(", sensitive").contains("unextractable");
  }

  @Test
  void open_slotWithoutToken_failsWithAClearMessage() {
    SoftHsm.ensureToken();
    Pkcs11Config config = Pkcs11Config.builder().library(SoftHsm.LIBRARY).slotListIndex(7)
        .pin(SoftHsm.PIN.toCharArray()).keyLabel(SoftHsm.uniqueLabel()).build();
    assertThatThrownBy(() -> Pkcs11Seal.open(config))
        .matches(e -> ((RekeyException) e).code() == ErrorCode.ILLEGAL_STATE)
        .hasMessageContaining("slotListIndex 7")
        .hasMessageNotContaining(SoftHsm.PIN);
  }

  @Test
  void toString_containsNoPin() {
    assertThat(readySeal().toString()).contains(LABEL).contains("pin=redacted").doesNotContain(SoftHsm.PIN);
  }
}
