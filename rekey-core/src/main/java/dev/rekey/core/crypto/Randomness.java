package dev.rekey.core.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The one source of randomness: a JCA DRBG per thread, seeded by the platform, so that
 * hot paths do not contend on a shared generator lock.
 */
public final class Randomness {
  private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(Randomness::create);

  private Randomness() {}

  public static SecureRandom get() {
    return PER_THREAD.get();
  }

  public static byte[] bytes(int length) {
    byte[] b = new byte[length];
    get().nextBytes(b);
    return b;
  }

  private static SecureRandom create() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
