package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Known-answer vectors that FREEZE the ciphertext format of docs/ciphertext.md:
 * {@code rekey:v<N>:<base64(nonce12 || ct || tag16)>}, AES-256-GCM, associated data
 * {@code "rekey:vN:" || context}. The expected strings were computed once (and cross-checked with
 * an independent AES-GCM implementation, Python's {@code cryptography}) and are hard-coded: if one
 * of these tests fails, the format changed and every stored ciphertext would break.
 */
class CiphertextFormatTest {
  /** 32 key bytes 00 01 .. 1f. */
  static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  static final byte[] NONCE_1 = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
  static final byte[] NONCE_2 = HexFormat.of().parseHex("b0b1b2b3b4b5b6b7b8b9babb");
  static final byte[] NONCE_3 = HexFormat.of().parseHex("c0c1c2c3c4c5c6c7c8c9cacb");
  static final String PLAINTEXT = "rekey golden vector";
  static final String CONTEXT = "tenant=42";

  /** Version 1, no context. */
  static final String GOLDEN_V1 = "rekey:v1:oKGio6SlpqeoqaqrlH0XSDzrZdAOAeK9JwylvQTDK5oCYVu98vHNXQFGJsS4ntE=";
  /** Version 7, context "tenant=42". */
  static final String GOLDEN_V7_CONTEXT = "rekey:v7:sLGys7S1tre4ubq76zAxzpXt3DArnPLM7SvtofBTO3J3dmryIAPrHsdFSQROT7w=";
  /** Version 1, empty plaintext: nonce and tag only. */
  static final String GOLDEN_V1_EMPTY = "rekey:v1:wMHCw8TFxsfIycrLKWoas7Wb4MUbkUsmCyO6Zw==";

  static SecretKey key() {
    return new SecretKeySpec(KEY, "AES");
  }

  /** The AAD rule, written out independently of the main code. */
  static byte[] aad(int version, String context) {
    return ("rekey:v" + version + ":" + context).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Encrypts with a fixed nonce on a fresh thread: the JCA refuses to re-initialise one Cipher for
   * encryption with the same key and nonce twice, and AesGcm keeps one Cipher per thread.
   */
  static String render(int version, byte[] nonce, byte[] plaintext, String context) throws Exception {
    AtomicReference<Object> out = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        out.set(new VersionedText(version, AesGcm.encrypt(key(), nonce, plaintext, aad(version, context))).render());
      } catch (RuntimeException e) {
        out.set(e);
      }
    });
    t.start();
    t.join();
    if (out.get() instanceof RuntimeException e) {
      throw e;
    }
    return (String) out.get();
  }

  static byte[] open(String text, String context) {
    VersionedText parsed = VersionedText.parse(text);
    return AesGcm.decrypt(key(), parsed.bytes(), aad(parsed.version(), context));
  }

  @Test
  void encrypt_fixedKeyAndNonce_producesFrozenText() throws Exception {
    assertThat(render(1, NONCE_1, PLAINTEXT.getBytes(StandardCharsets.UTF_8), "")).isEqualTo(GOLDEN_V1);
    assertThat(render(7, NONCE_2, PLAINTEXT.getBytes(StandardCharsets.UTF_8), CONTEXT)).isEqualTo(GOLDEN_V7_CONTEXT);
    assertThat(render(1, NONCE_3, new byte[0], "")).isEqualTo(GOLDEN_V1_EMPTY);
  }

  @Test
  void decrypt_frozenText_givesPlaintext() {
    assertThat(new String(open(GOLDEN_V1, ""), StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
    assertThat(new String(open(GOLDEN_V7_CONTEXT, CONTEXT), StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
    assertThat(open(GOLDEN_V1_EMPTY, "")).isEmpty();
  }

  @Test
  void frozenText_layout_isPrefixVersionNonceCiphertextTag() {
    assertThat(GOLDEN_V1).startsWith("rekey:v1:");
    assertThat(GOLDEN_V7_CONTEXT).startsWith("rekey:v7:");
    VersionedText parsed = VersionedText.parse(GOLDEN_V7_CONTEXT);
    assertThat(parsed.version()).isEqualTo(7);
    byte[] raw = parsed.bytes();
    assertThat(raw).hasSize(12 + PLAINTEXT.length() + 16);
    assertThat(java.util.Arrays.copyOf(raw, 12)).isEqualTo(NONCE_2);
    assertThat(VersionedText.parse(GOLDEN_V1_EMPTY).bytes()).hasSize(12 + 16);
  }

  @Test
  void decrypt_frozenTextWithOtherContextOrNoHeaderInAad_fails() {
    VersionedText parsed = VersionedText.parse(GOLDEN_V7_CONTEXT);
    assertThat(DecryptionFailures.of(() -> open(GOLDEN_V7_CONTEXT, ""))).isTrue();
    assertThat(DecryptionFailures.of(() -> open(GOLDEN_V7_CONTEXT, "tenant=43"))).isTrue();
    // The header is part of the AAD: the context alone does not open it.
    assertThat(DecryptionFailures.of(() -> AesGcm.decrypt(key(), parsed.bytes(),
        CONTEXT.getBytes(StandardCharsets.US_ASCII)))).isTrue();
  }
}
