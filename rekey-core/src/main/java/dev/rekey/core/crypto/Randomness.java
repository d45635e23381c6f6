package dev.rekey.core.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The one source of randomness: a JCA DRBG per thread, seeded by the platform, so that
 * hot paths do not contend on a shared generator lock.
 */
public final class Randomness {
  private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(Randomness::create);
  private static final ThreadLocal<NoncePool> NONCES = ThreadLocal.withInitial(NoncePool::new);

  private Randomness() {}

  public static SecureRandom get() {
    return PER_THREAD.get();
  }

  public static byte[] bytes(int length) {
    byte[] b = new byte[length];
    get().nextBytes(b);
    return b;
  }

  /**
   * A fresh 12-byte AES-GCM nonce. Nonces are public (they travel in the ciphertext) and GCM only
   * needs them unique, so they are cut from a per-thread block of DRBG output drawn 64 nonces at
   * a time: one generator call instead of one per message, with the same 96 random bits each.
   * Never use this for secret values (keys, tokens, passwords): use {@link #bytes} or {@link #get}.
   */
  public static byte[] nonce12() {
    return NONCES.get().next();
  }

  /** Per-thread block of DRBG output, handed out 12 bytes at a time and never reused. */
  private static final class NoncePool {
    private static final int NONCE = 12;
    private final byte[] block = new byte[64 * NONCE];
    private int pos = block.length;

    byte[] next() {
      if (pos == block.length) {
        get().nextBytes(block);
        pos = 0;
      }
      byte[] out = java.util.Arrays.copyOfRange(block, pos, pos + NONCE);
      pos += NONCE;
      return out;
    }
  }

  private static SecureRandom create() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
