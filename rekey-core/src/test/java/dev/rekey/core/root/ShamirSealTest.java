package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShamirSealTest extends SealContract {

  @Override
  Seal readySeal() {
    ShamirSeal seal = new ShamirSeal();
    seal.init(5, 3);
    return seal;
  }

  private static ShamirSeal configured(int n, int t) {
    ShamirSeal seal = new ShamirSeal();
    seal.configure(n, t);
    return seal;
  }

  private static ErrorCode code(Throwable t) {
    return ((RekeyException) t).code();
  }

  @Test
  void init_fiveOfThree_returnsFiveNumberedShares() {
    List<String> shares = new ShamirSeal().init(5, 3);
    assertThat(shares).hasSize(5).doesNotHaveDuplicates();
    for (int i = 0; i < 5; i++) {
      assertThat(shares.get(i)).startsWith("rekey-share-" + (i + 1) + "-");
    }
  }

  @Test
  void submit_anyThreeOfFive_opens() {
    ShamirSeal origin = new ShamirSeal();
    List<String> shares = origin.init(5, 3);
    SecretBytes secret = SecretBytes.random(64);
    byte[] sealed = origin.seal(secret, AAD);
    for (int a = 0; a < 5; a++) {
      for (int b = a + 1; b < 5; b++) {
        for (int c = b + 1; c < 5; c++) {
          ShamirSeal seal = configured(5, 3);
          assertThat(seal.submit(shares.get(c))).isEqualTo(1);
          assertThat(seal.submit(shares.get(a))).isEqualTo(2);
          assertThat(seal.ready()).isFalse();
          assertThat(seal.submit(shares.get(b))).isZero();
          assertThat(seal.ready()).isTrue();
          assertThat(seal.open(sealed, AAD).sameAs(secret)).as("shares %d,%d,%d", a, b, c).isTrue();
        }
      }
    }
  }

  @Test
  void submit_twoOfThree_staysSealed() {
    List<String> shares = new ShamirSeal().init(5, 3);
    ShamirSeal seal = configured(5, 3);
    seal.submit(shares.get(0));
    seal.submit(shares.get(4));
    assertThat(seal.ready()).isFalse();
    assertThat(seal.progress()).isEqualTo(2);
    assertThatThrownBy(() -> seal.open(new byte[64], AAD)).matches(e -> code(e) == ErrorCode.SEALED);
  }

  @Test
  void submit_duplicateShare_isIgnored() {
    List<String> shares = new ShamirSeal().init(3, 2);
    ShamirSeal seal = configured(3, 2);
    seal.submit(shares.get(1));
    assertThat(seal.submit(" " + shares.get(1) + "\n")).isEqualTo(1);
    assertThat(seal.ready()).isFalse();
  }

  @Test
  void submit_sameNumberDifferentShare_isRefused() {
    List<String> first = new ShamirSeal().init(3, 2);
    List<String> second = new ShamirSeal().init(3, 2);
    ShamirSeal seal = configured(3, 2);
    seal.submit(first.get(0));
    assertThatThrownBy(() -> seal.submit(second.get(0)))
        .matches(e -> code(e) == ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("a different unseal share 1 was already submitted");
    assertThat(seal.progress()).isEqualTo(1);
  }

  @Test
  void submit_mistypedShare_failsItsChecksumWithoutEchoingIt() {
    String share = new ShamirSeal().init(3, 2).get(2);
    int pos = share.length() - 3;
    String typo = share.substring(0, pos) + (share.charAt(pos) == 'A' ? 'B' : 'A') + share.substring(pos + 1);
    ShamirSeal seal = configured(3, 2);
    assertThatThrownBy(() -> seal.submit(typo))
        .matches(e -> code(e) == ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("checksum")
        .hasMessageNotContaining(typo.substring(16));
    assertThat(seal.progress()).isZero();
  }

  @Test
  void submit_truncatedOrGarbage_isRefusedClearly() {
    String share = new ShamirSeal().init(3, 2).get(0);
    ShamirSeal seal = configured(3, 2);
    assertThatThrownBy(() -> seal.submit(share.substring(0, share.length() - 6)))
        .hasMessageContaining("wrong length");
    assertThatThrownBy(() -> seal.submit("hello")).hasMessageContaining("not an unseal share");
    assertThatThrownBy(() -> seal.submit(null)).hasMessageContaining("not an unseal share");
  }

  @Test
  void submit_numberAboveShareCount_isRefused() {
    List<String> five = new ShamirSeal().init(5, 2);
    ShamirSeal seal = configured(3, 2);
    assertThatThrownBy(() -> seal.submit(five.get(4)))
        .hasMessageContaining("unseal share 5 does not exist: this installation has 3 shares");
  }

  @Test
  void submit_sharesOfAnotherInit_combineToAKeyThatCannotOpen() {
    ShamirSeal origin = new ShamirSeal();
    List<String> good = origin.init(3, 2);
    List<String> foreign = new ShamirSeal().init(3, 2);
    byte[] sealed = origin.seal(SecretBytes.random(32), AAD);
    ShamirSeal seal = configured(3, 2);
    seal.submit(good.get(0));
    seal.submit(foreign.get(1));
    assertThat(seal.ready()).isTrue();
    assertThatThrownBy(() -> seal.open(sealed, AAD)).matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void init_thresholdOne_everyShareOpensAlone() {
    ShamirSeal origin = new ShamirSeal();
    List<String> shares = origin.init(3, 1);
    byte[] sealed = origin.seal(SecretBytes.random(32), AAD);
    for (String share : shares) {
      ShamirSeal seal = configured(3, 1);
      seal.submit(share);
      assertThat(seal.open(sealed, AAD).length()).isEqualTo(32);
    }
  }

  @Test
  void validate_outOfRange_saysWhatToChange() {
    assertThatThrownBy(() -> ShamirSeal.validate(0, 0)).hasMessageContaining("between 1 and 255, got 0");
    assertThatThrownBy(() -> ShamirSeal.validate(256, 2)).hasMessageContaining("between 1 and 255, got 256");
    assertThatThrownBy(() -> ShamirSeal.validate(3, 0)).hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> ShamirSeal.validate(3, 4))
        .matches(e -> code(e) == ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("threshold (4) cannot exceed the number of shares (3)");
    assertThatCode(() -> ShamirSeal.validate(1, 1)).doesNotThrowAnyException();
    assertThatCode(() -> ShamirSeal.validate(255, 255)).doesNotThrowAnyException();
  }

  @Test
  void init_maximumShares_works() {
    List<String> shares = new ShamirSeal().init(255, 2);
    assertThat(shares).hasSize(255);
    assertThat(shares.get(254)).startsWith("rekey-share-255-");
  }

  @Test
  void forget_dropsKeyAndProgress() {
    ShamirSeal seal = new ShamirSeal();
    List<String> shares = seal.init(3, 2);
    seal.forget();
    assertThat(seal.ready()).isFalse();
    seal.submit(shares.get(0));
    seal.reset();
    assertThat(seal.progress()).isZero();
    assertThat(seal.autoUnseals()).isFalse();
  }

  @Test
  void toString_containsNoShare() {
    ShamirSeal seal = configured(3, 2);
    List<String> shares = new ShamirSeal().init(3, 2);
    seal.submit(shares.get(0));
    List<String> parts = new ArrayList<>();
    shares.forEach(s -> parts.add(s.substring(s.indexOf('-', "rekey-share-".length()) + 1)));
    assertThat(seal.toString()).isEqualTo("ShamirSeal[shares=3, threshold=2, progress=1, ready=false]");
    parts.forEach(p -> assertThat(seal.toString()).doesNotContain(p));
  }
}
