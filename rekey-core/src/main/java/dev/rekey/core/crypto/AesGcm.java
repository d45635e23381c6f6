package dev.rekey.core.crypto;

import dev.rekey.core.RekeyException;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM from the JCA: a fresh random 96-bit nonce per message, a 128-bit tag, and
 * associated data. Output is {@code nonce || ciphertext || tag}. Large inputs are fed in chunks so
 * that the JIT compiles the GCM loop early instead of running one huge call interpreted.
 */
public final class AesGcm {
  public static final int NONCE_LENGTH = 12; // Randomness.nonce12()
  public static final int TAG_LENGTH = 16;
  private static final int CHUNK = 16 * 1024;
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(AesGcm::newCipher);

  private AesGcm() {}

  public static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
    byte[] nonce = Randomness.nonce12();
    return encrypt(key, nonce, plaintext, aad);
  }

  /** Encrypts with a caller-chosen nonce. Only for known-answer tests: reusing a nonce breaks GCM. */
  static byte[] encrypt(SecretKey key, byte[] nonce, byte[] plaintext, byte[] aad) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      if (aad != null && aad.length > 0) {
        c.updateAAD(aad);
      }
      byte[] out = new byte[NONCE_LENGTH + plaintext.length + TAG_LENGTH];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      int pos = NONCE_LENGTH;
      for (int off = 0; off + CHUNK < plaintext.length; off += CHUNK) {
        pos += c.update(plaintext, off, CHUNK, out, pos);
      }
      int done = pos - NONCE_LENGTH;
      c.doFinal(plaintext, done, plaintext.length - done, out, pos);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts {@code nonce || ciphertext || tag}; any failure is the one generic decryption error. */
  public static byte[] decrypt(SecretKey key, byte[] message, byte[] aad) {
    if (message.length < NONCE_LENGTH + TAG_LENGTH) {
      throw RekeyException.decryptionFailed();
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, message, 0, NONCE_LENGTH));
      if (aad != null && aad.length > 0) {
        c.updateAAD(aad);
      }
      return c.doFinal(message, NONCE_LENGTH, message.length - NONCE_LENGTH);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw RekeyException.decryptionFailed();
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available", e);
    }
  }
}
