package dev.rekey.core.crypto;

import dev.rekey.core.RekeyException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The stable text form of ciphertexts, MACs and (later) signatures:
 * {@code rekey:v<version>:<standard base64 of the bytes>}. The prefix up to and including the
 * second colon is authenticated as associated data, so the version cannot be altered.
 * Anything that does not parse is the generic decryption failure.
 *
 * @param version the key version, 1 or more
 */
public record VersionedText(int version, byte[] bytes) {
  public static final String PREFIX = "rekey:v";
  private static final int MAX_VERSION_DIGITS = 9;

  public String render() {
    return header(version) + Base64.getEncoder().encodeToString(bytes);
  }

  /** The authenticated header {@code rekey:vN:} as UTF-8. */
  public static byte[] headerBytes(int version) {
    return header(version).getBytes(StandardCharsets.US_ASCII);
  }

  public static String header(int version) {
    return PREFIX + version + ":";
  }

  public static VersionedText parse(String text) {
    int version = version(text);
    try {
      return new VersionedText(version, Base64.getDecoder().decode(text.substring(text.indexOf(':', PREFIX.length()) + 1)));
    } catch (IllegalArgumentException e) {
      throw RekeyException.decryptionFailed();
    }
  }

  /**
   * The version the header of {@code text} claims, or 0 when it names none: what the audit record
   * of a refused decrypt or rewrap names (the claim, not a proof: the header is authenticated only
   * when the rest decrypts).
   */
  public static int claimedVersion(String text) {
    try {
      return version(text);
    } catch (RekeyException malformed) {
      return 0;
    }
  }

  /** The version the header of {@code text} names, without decoding the rest; the generic failure when malformed. */
  public static int version(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw RekeyException.decryptionFailed();
    }
    int colon = text.indexOf(':', PREFIX.length());
    int digits = colon - PREFIX.length();
    if (colon < 0 || digits < 1 || digits > MAX_VERSION_DIGITS || text.charAt(PREFIX.length()) == '0') {
      throw RekeyException.decryptionFailed();
    }
    int version = 0;
    for (int i = PREFIX.length(); i < colon; i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        throw RekeyException.decryptionFailed();
      }
      version = version * 10 + (ch - '0');
    }
    return version;
  }

  @Override
  public String toString() {
    return "VersionedText[v" + version + ", " + bytes.length + " bytes]";
  }
}
