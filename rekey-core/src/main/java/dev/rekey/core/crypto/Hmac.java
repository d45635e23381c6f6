package dev.rekey.core.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** HMAC (SHA-256, SHA-384, SHA-512: the key's algorithm decides) from the JCA, with constant-time verification. */
public final class Hmac {
  public static final String ALGORITHM = "HmacSHA256";
  private static final ThreadLocal<java.util.Map<String, Mac>> MACS = ThreadLocal.withInitial(java.util.HashMap::new);

  private Hmac() {}

  public static SecretKey key(SecretBytes material) {
    return new SecretKeySpec(material.reveal(SecretAccess.get()), ALGORITHM);
  }

  public static byte[] compute(SecretKey key, byte[]... parts) {
    try {
      Mac mac = MACS.get().computeIfAbsent(key.getAlgorithm(), Hmac::newMac);
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

  private static Mac newMac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }
}
