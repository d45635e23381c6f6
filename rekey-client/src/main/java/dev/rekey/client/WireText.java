package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.ErrorCode;
import java.util.Base64;

/** Small text conversions every client of the SDK shares: query strings, base64, argument checks. */
final class WireText {
  private WireText() {}

  /** {@code base} with the non-null {@code name, value} pairs as a query string. */
  static String pathWithQuery(String base, Object... pairs) {
    StringBuilder path = new StringBuilder(base);
    char sep = '?';
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        path.append(sep).append(pairs[i]).append('=').append(ApiPaths.segment(String.valueOf(pairs[i + 1])));
        sep = '&';
      }
    }
    return path.toString();
  }

  static void requireBytes(byte[] value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
  }

  static String b64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] unb64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new RekeyClientException(ErrorCode.INTERNAL, ErrorCode.INTERNAL.wire(), 0,
          "the server sent malformed base64", null);
    }
  }
}
