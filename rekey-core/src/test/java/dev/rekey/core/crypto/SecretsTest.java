package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** SecretBytes, HMAC and the rule that secrets never print. */
class SecretsTest {

  @Test
  void secretBytes_toString_containsNoBytes() {
    byte[] b = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
    SecretBytes s = SecretBytes.copyOf(b);
    assertThat(s.toString()).isEqualTo("SecretBytes[4 bytes, redacted]").doesNotContain("dead")
        .doesNotContain("3q2+7w").doesNotContain("-34");
  }

  @Test
  void secretBytes_hasNoValueEquality() {
    SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2});
    SecretBytes b = SecretBytes.copyOf(new byte[] {1, 2});
    assertThat(a).isNotEqualTo(b);
    assertThat(a.sameAs(b)).isTrue();
    assertThat(a.sameAs(SecretBytes.copyOf(new byte[] {1, 3}))).isFalse();
  }

  @Test
  void secretBytes_copyOf_isIndependentOfCallerArray() {
    byte[] b = {1, 2, 3};
    SecretBytes s = SecretBytes.copyOf(b);
    b[0] = 0;
    assertThat(s.reveal(SecretAccess.get())).containsExactly(1, 2, 3);
  }

  @Test
  void secretBytes_revealWithoutAccess_throws() {
    SecretBytes s = SecretBytes.random(32);
    assertThat(s.length()).isEqualTo(32);
    assertThatThrownBy(() -> s.reveal(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void secretBytes_destroy_zeroesAndForbidsReading() {
    byte[] owned = {7, 7, 7};
    SecretBytes s = SecretBytes.wrap(owned);
    s.destroy();
    assertThat(owned).containsOnly(0);
    assertThatThrownBy(() -> s.reveal(SecretAccess.get())).isInstanceOf(IllegalStateException.class)
        .hasMessage("secret was destroyed");
  }

  @Test
  void hmac_verify_acceptsOwnTagRejectsAnyOther() {
    SecretKey k = Hmac.key(SecretBytes.copyOf(CiphertextFormatTest.KEY));
    byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
    byte[] tag = Hmac.compute(k, "rekey:v1:".getBytes(StandardCharsets.US_ASCII), msg);
    assertThat(tag).hasSize(32);
    assertThat(Hmac.verify(k, tag, "rekey:v1:".getBytes(StandardCharsets.US_ASCII), msg)).isTrue();
    assertThat(Hmac.verify(k, tag, "rekey:v2:".getBytes(StandardCharsets.US_ASCII), msg)).isFalse();
    for (int i = 0; i < tag.length; i++) {
      byte[] bad = tag.clone();
      bad[i] ^= 1;
      assertThat(Hmac.verify(k, bad, "rekey:v1:".getBytes(StandardCharsets.US_ASCII), msg)).isFalse();
    }
    assertThat(Hmac.verify(k, java.util.Arrays.copyOf(tag, 31), "rekey:v1:".getBytes(StandardCharsets.US_ASCII), msg))
        .isFalse();
    assertThat(Hmac.verify(k, new byte[0], "rekey:v1:".getBytes(StandardCharsets.US_ASCII), msg)).isFalse();
  }

  @Test
  void hmac_knownAnswer_rfc4231Case2() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    SecretKey k = Hmac.key(SecretBytes.copyOf("Jefe".getBytes(StandardCharsets.US_ASCII)));
    byte[] tag = Hmac.compute(k, "what do ya want ".getBytes(StandardCharsets.US_ASCII),
        "for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(Hex.encode(tag)).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void hmac_verify_comparesInConstantTime() throws Exception {
    // Timing cannot be asserted reliably; the contract is that verification goes through
    // MessageDigest.isEqual (constant time since JDK 6u17) and nothing else compares tags.
    String source = Files.readString(Path.of("src/main/java/dev/rekey/core/crypto/Hmac.java"));
    String verify = source.substring(source.indexOf("public static boolean verify"));
    verify = verify.substring(0, verify.indexOf('}'));
    assertThat(verify).contains("MessageDigest.isEqual(").doesNotContain("Arrays.equals").doesNotContain(".equals(");
    String secret = Files.readString(Path.of("src/main/java/dev/rekey/core/crypto/SecretBytes.java"));
    assertThat(secret).contains("MessageDigest.isEqual(bytes, other.bytes)");
  }
}
