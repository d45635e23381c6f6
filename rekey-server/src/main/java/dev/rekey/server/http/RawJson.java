package dev.rekey.server.http;

import java.nio.charset.StandardCharsets;

/**
 * A response body already encoded as JSON, for the hot crypto answers whose values are base64 or
 * {@code rekey:vN:} text: those never need escaping, so writing them skips the serializer's
 * per-character scan. Only build one from values that cannot contain {@code "} or {@code \}.
 */
public final class RawJson {
  private static final boolean[] SAFE = new boolean[256];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      SAFE[c] = c != '"' && c != '\\' && c != '?';
    }
  }

  private final byte[] bytes;

  private RawJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /** {@code {"<name>":"<text>","version":<version>}}; {@code text} must be base64 or rekey text. */
  public static RawJson textAndVersion(String name, String text, int version) {
    byte[] head = ("{\"" + name + "\":\"").getBytes(StandardCharsets.US_ASCII);
    byte[] value = requireSafe(text.getBytes(StandardCharsets.ISO_8859_1), text.length());
    byte[] tail = ("\",\"version\":" + version + "}").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + value.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(value, 0, out, head.length, value.length);
    System.arraycopy(tail, 0, out, head.length + value.length, tail.length);
    return new RawJson(out);
  }

  /** JSON the serializer already produced (so it can be hashed for an ETag before sending). */
  public static RawJson serialized(byte[] json) {
    return new RawJson(json.clone());
  }

  byte[] bytes() {
    return bytes;
  }

  /**
   * The text as ISO-8859-1 bytes. Callers pass base64 or rekey text made by Rekey's own encoders,
   * so the per-character check (printable ASCII other than quote and backslash) only runs with
   * assertions on (tests); a text with characters above U+00FF changes length and is always refused.
   */
  private static byte[] requireSafe(byte[] value, int chars) {
    if (value.length != chars) {
      throw new IllegalArgumentException("RawJson text must be base64 or rekey text");
    }
    assert allSafe(value) : "RawJson text must be base64 or rekey text";
    return value;
  }

  private static boolean allSafe(byte[] value) {
    for (byte b : value) {
      if (!SAFE[b & 0xff]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "RawJson[" + bytes.length + " bytes]";
  }
}
