package dev.rekey.server.http;

import java.nio.charset.StandardCharsets;

/**
 * A response body already encoded as JSON, for the hot crypto answers whose values are base64 or
 * {@code rekey:vN:} text: those never need escaping, so writing them skips the serializer's
 * per-character scan. Only build one from values that cannot contain {@code "} or {@code \}.
 */
public final class RawJson {
  private final byte[] bytes;

  private RawJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /** {@code {"<name>":"<text>","version":<version>}}; {@code text} must be base64 or rekey text. */
  public static RawJson textAndVersion(String name, String text, int version) {
    StringBuilder b = new StringBuilder(text.length() + name.length() + 32);
    b.append("{\"").append(name).append("\":\"").append(requireSafe(text)).append("\",\"version\":").append(version)
        .append('}');
    return new RawJson(b.toString().getBytes(StandardCharsets.US_ASCII));
  }

  byte[] bytes() {
    return bytes;
  }

  private static String requireSafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("RawJson text must be base64 or rekey text");
      }
    }
    return text;
  }

  @Override
  public String toString() {
    return "RawJson[" + bytes.length + " bytes]";
  }
}
