package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AesGcmTest {
  private static final SecretKey KEY = CiphertextFormatTest.key();
  private static final int CHUNK = 16 * 1024;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5,
      1024 * 1024, 1024 * 1024 + 12_345})
  void encryptDecrypt_sizesAroundChunkBoundaries_roundTrip(int size) {
    byte[] plaintext = new byte[size];
    new Random(size).nextBytes(plaintext);
    byte[] aad = "rekey:v1:ctx".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = AesGcm.encrypt(KEY, plaintext, aad);
    assertThat(out).hasSize(AesGcm.NONCE_LENGTH + size + AesGcm.TAG_LENGTH);
    assertThat(AesGcm.decrypt(KEY, out, aad)).isEqualTo(plaintext);
  }

  @Test
  void nonces_areTwelveBytes_andNeverRepeat_acrossRefillsAndThreads() throws Exception {
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Runnable draw = () -> {
      for (int i = 0; i < 5_000; i++) {
        byte[] n = Randomness.nonce12();
        assertThat(n).hasSize(AesGcm.NONCE_LENGTH);
        assertThat(seen.add(java.util.HexFormat.of().formatHex(n))).isTrue();
      }
    };
    Thread other = new Thread(draw);
    other.start();
    draw.run();
    other.join();
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void encrypt_largePayloadInChunks_equalsOneShotGcm() throws Exception {
    // 1 MiB + 7 bytes, not a multiple of the 16 KiB chunk: the chunked loop must give the same
    // bytes as a single JCA call with the same nonce.
    byte[] plaintext = new byte[1024 * 1024 + 7];
    new Random(7).nextBytes(plaintext);
    byte[] nonce = Randomness.bytes(AesGcm.NONCE_LENGTH);
    byte[] aad = {1, 2, 3};
    byte[] chunked = AesGcm.encrypt(KEY, nonce, plaintext, aad);
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    c.init(javax.crypto.Cipher.ENCRYPT_MODE, KEY, new javax.crypto.spec.GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    byte[] oneShot = c.doFinal(plaintext);
    assertThat(java.util.Arrays.copyOfRange(chunked, AesGcm.NONCE_LENGTH, chunked.length)).isEqualTo(oneShot);
  }

  @Test
  void encrypt_samePlaintextTwice_differentNonces() {
    byte[] a = AesGcm.encrypt(KEY, new byte[] {1}, null);
    byte[] b = AesGcm.encrypt(KEY, new byte[] {1}, null);
    assertThat(java.util.Arrays.copyOf(a, 12)).isNotEqualTo(java.util.Arrays.copyOf(b, 12));
  }

  @Test
  void decrypt_nullAndEmptyAad_areTheSame() {
    byte[] out = AesGcm.encrypt(KEY, new byte[] {9, 9}, null);
    assertThat(AesGcm.decrypt(KEY, out, new byte[0])).containsExactly(9, 9);
  }

  @Test
  void decrypt_afterAFailure_cipherOfThisThreadStillWorks() {
    byte[] out = AesGcm.encrypt(KEY, new byte[] {5}, null);
    byte[] bad = out.clone();
    bad[bad.length - 1] ^= 1;
    DecryptionFailures.of(() -> AesGcm.decrypt(KEY, bad, null));
    DecryptionFailures.of(() -> AesGcm.decrypt(KEY, new byte[3], null));
    assertThat(AesGcm.decrypt(KEY, out, null)).containsExactly(5);
    assertThat(AesGcm.decrypt(KEY, AesGcm.encrypt(KEY, new byte[] {6}, null), null)).containsExactly(6);
  }
}
