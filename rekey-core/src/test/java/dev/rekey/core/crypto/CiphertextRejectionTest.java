package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/**
 * Whatever is wrong with a ciphertext (tampered, truncated, empty, foreign, version altered,
 * malformed text) the answer is the same DECRYPTION_FAILED with the same message.
 */
class CiphertextRejectionTest {
  private static final SecretKey KEY = CiphertextFormatTest.key();
  private static final String GOLDEN = CiphertextFormatTest.GOLDEN_V7_CONTEXT;
  private static final String CONTEXT = CiphertextFormatTest.CONTEXT;

  private static void assertRejected(String text, String context) {
    DecryptionFailures.of(() -> CiphertextFormatTest.open(text, context));
  }

  @Test
  void decrypt_everyByteFlipped_fails() {
    byte[] raw = VersionedText.parse(GOLDEN).bytes();
    for (int i = 0; i < raw.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] tampered = raw.clone();
        tampered[i] ^= (byte) bit;
        assertRejected(new VersionedText(7, tampered).render(), CONTEXT);
      }
    }
  }

  @Test
  void decrypt_everyTruncation_fails() {
    byte[] raw = VersionedText.parse(GOLDEN).bytes();
    for (int len = 0; len < raw.length; len++) {
      assertRejected(new VersionedText(7, java.util.Arrays.copyOf(raw, len)).render(), CONTEXT);
    }
  }

  @Test
  void decrypt_bytesAppended_fails() {
    byte[] raw = VersionedText.parse(GOLDEN).bytes();
    assertRejected(new VersionedText(7, java.util.Arrays.copyOf(raw, raw.length + 1)).render(), CONTEXT);
  }

  @Test
  void decrypt_emptyPayload_fails() {
    assertRejected("rekey:v7:", CONTEXT);
  }

  @Test
  void decrypt_foreignKey_fails() {
    byte[] other = CiphertextFormatTest.KEY.clone();
    other[0] ^= 1;
    VersionedText parsed = VersionedText.parse(GOLDEN);
    DecryptionFailures.of(() -> AesGcm.decrypt(new SecretKeySpec(other, "AES"), parsed.bytes(),
        CiphertextFormatTest.aad(7, CONTEXT)));
  }

  @Test
  void decrypt_versionAltered_fails() {
    String payload = GOLDEN.substring("rekey:v7:".length());
    for (String v : new String[] {"1", "6", "8", "17", "70"}) {
      assertRejected("rekey:v" + v + ":" + payload, CONTEXT);
    }
  }

  @Test
  void decrypt_contextAltered_fails() {
    assertRejected(GOLDEN, "");
    assertRejected(GOLDEN, "tenant=4");
    assertRejected(GOLDEN, "tenant=42 ");
  }

  static Stream<String> malformed() {
    String payload = GOLDEN.substring("rekey:v7:".length());
    return Stream.of(
        "garbage",
        payload,
        "Rekey:v7:" + payload,
        "rekey:V7:" + payload,
        "rekey:7:" + payload,
        "rekey:v7" + payload,
        "rekey:v:" + payload,
        "rekey:v0:" + payload,
        "rekey:v07:" + payload,
        "rekey:v-7:" + payload,
        "rekey:v+7:" + payload,
        "rekey:v7a:" + payload,
        "rekey:vx:" + payload,
        "rekey:v 7:" + payload,
        "rekey:v\u0667:" + payload,
        "rekey:v2147483648:" + payload,
        "rekey:v99999999999999999999:" + payload,
        "rekey:v7:" + payload + "!",
        "rekey:v7:_" + payload.substring(1),
        "rekey:v7:" + payload.substring(0, 10) + " " + payload.substring(10),
        "rekey:v7:" + payload + ":",
        "rekey:v7::" + payload,
        "rekey:v7:%%%%",
        "rekey:v7:=");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  @NullAndEmptySource
  void parse_malformedText_failsGenerically(String text) {
    DecryptionFailures.of(() -> CiphertextFormatTest.open(text, CONTEXT));
  }

  @Test
  void parse_largestAllowedVersion_parses() {
    assertThat(VersionedText.parse("rekey:v999999999:AAAA").version()).isEqualTo(999_999_999);
    DecryptionFailures.of(() -> VersionedText.parse("rekey:v1000000000:AAAA"));
  }

  @Test
  void render_parse_roundTrip() {
    byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
    VersionedText t = new VersionedText(12, b);
    assertThat(t.render()).isEqualTo("rekey:v12:" + Base64.getEncoder().encodeToString(b));
    VersionedText back = VersionedText.parse(t.render());
    assertThat(back.version()).isEqualTo(12);
    assertThat(back.bytes()).isEqualTo(b);
    assertThat(VersionedText.headerBytes(12)).isEqualTo("rekey:v12:".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void versionedText_toString_containsNoBytes() {
    byte[] b = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe};
    VersionedText t = new VersionedText(3, b);
    assertThat(t.toString()).isEqualTo("VersionedText[v3, 4 bytes]")
        .doesNotContain(Base64.getEncoder().encodeToString(b)).doesNotContain("cafebabe");
  }
}
