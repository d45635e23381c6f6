package dev.rekey.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex encoding and SHA-256, the two helpers every layer needs. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  });

  private Hex() {}

  public static String encode(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  public static byte[] decode(String hex) {
    return HEX.parseHex(hex);
  }

  public static byte[] sha256(byte[]... parts) {
    MessageDigest d = SHA256.get();
    d.reset();
    for (byte[] p : parts) {
      d.update(p);
    }
    return d.digest();
  }
}
