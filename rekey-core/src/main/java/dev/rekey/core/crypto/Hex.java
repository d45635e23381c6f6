package dev.rekey.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hex encoding and SHA-256, the two helpers every layer needs. */
public final class Hex {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  });

  private Hex() {}

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Lower-case hex. */
  public static String encode(byte[] bytes) {
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Hex digits of either case; IllegalArgumentException for an odd length or any other character. */
  public static byte[] decode(String hex) {
    int n = hex.length();
    if ((n & 1) != 0) {
      throw new IllegalArgumentException("hex needs an even number of digits, got " + n);
    }
    byte[] out = new byte[n / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0 || hex.charAt(2 * i) > 'f' || hex.charAt(2 * i + 1) > 'f') {
        throw new IllegalArgumentException("not a hex digit at position " + (hi < 0 ? 2 * i : 2 * i + 1));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
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
