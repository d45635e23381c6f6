package dev.rekey.core.root;

import dev.rekey.core.RekeyException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of one Shamir unseal share: {@code rekey-share-<index>-<base64url>}, where the
 * base64url part is the share bytes followed by a 4-byte checksum (the start of SHA-256 over the
 * index and the share). The checksum only catches typos and truncation early; a share that is
 * well-formed but wrong is caught when the combined key fails to open the keyring.
 */
final class UnsealShare {
  static final int SHARE_LENGTH = 32;
  private static final int CHECK_LENGTH = 4;
  private static final Pattern FORMAT = Pattern.compile("rekey-share-(\\d{1,3})-([A-Za-z0-9_-]+)");
  private static final String EXPECTED = "expected 'rekey-share-<number>-<base64url>' exactly as printed by init";

  private UnsealShare() {}

  static String format(int index, byte[] share) {
    byte[] payload = Arrays.copyOf(share, share.length + CHECK_LENGTH);
    System.arraycopy(checksum(index, share), 0, payload, share.length, CHECK_LENGTH);
    try {
      return "rekey-share-" + index + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  /** The share's index (1..255). Throws INVALID_REQUEST, without echoing the input, when malformed. */
  static int index(String text) {
    Matcher m = matcher(text);
    int index = Integer.parseInt(m.group(1));
    if (index < 1 || index > ShamirSeal.MAX_SHARES) {
      throw RekeyException.invalid("unseal share number " + index + " is out of range 1.." + ShamirSeal.MAX_SHARES);
    }
    return index;
  }

  /** The share bytes (the caller wipes them). Throws INVALID_REQUEST when malformed or mistyped. */
  static byte[] bytes(String text) {
    Matcher m = matcher(text);
    int index = index(text);
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("unseal share " + index + " is malformed; " + EXPECTED);
    }
    try {
      if (payload.length != SHARE_LENGTH + CHECK_LENGTH) {
        throw RekeyException.invalid("unseal share " + index + " has the wrong length (truncated or mistyped?); "
            + EXPECTED);
      }
      byte[] share = Arrays.copyOf(payload, SHARE_LENGTH);
      byte[] check = Arrays.copyOfRange(payload, SHARE_LENGTH, payload.length);
      if (!MessageDigest.isEqual(check, Arrays.copyOf(checksum(index, share), CHECK_LENGTH))) {
        Arrays.fill(share, (byte) 0);
        throw RekeyException.invalid("unseal share " + index + " fails its checksum (mistyped or corrupted?); "
            + EXPECTED);
      }
      return share;
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  private static Matcher matcher(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw RekeyException.invalid("not an unseal share; " + EXPECTED);
    }
    return m;
  }

  private static byte[] checksum(int index, byte[] share) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(("rekey-share/v1\0" + index + "\0").getBytes(StandardCharsets.US_ASCII));
      return sha.digest(share);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
