package dev.rekey.core.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 from the JCA, with constant-time verification. */
public final class Hmac {
  public static final String ALGORITHM = "HmacSHA256";
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(Hmac::newMac);

  private Hmac() {}

  public static SecretKey key(SecretBytes material) {
    return new SecretKeySpec(material.reveal(SecretAccess.get()), ALGORITHM);
  }

  public static byte[] compute(SecretKey key, byte[]... parts) {
    try {
      Mac mac = MAC.get();
      mac.init(key);
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC failed", e);
    }
  }

  public static boolean verify(SecretKey key, byte[] expected, byte[]... parts) {
    return MessageDigest.isEqual(compute(key, parts), expected);
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }
}
