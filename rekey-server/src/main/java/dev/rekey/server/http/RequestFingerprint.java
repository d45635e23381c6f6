package dev.rekey.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SHA-256 (hex) of a request for two-person approval: its method, path, query parameters (sorted)
 * and body. Every part is written with its length first, so no two different requests hash the same
 * text: a query value holding {@code &}, {@code =} or a line break cannot pass for another
 * parameter, nor for the body.
 */
final class RequestFingerprint {
  private RequestFingerprint() {}

  static String of(String method, String path, List<Map.Entry<String, String>> params, byte[] body) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    List<Map.Entry<String, String>> sorted = new ArrayList<>(params);
    sorted.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue(
        Comparator.naturalOrder())));
    part(d, method.getBytes(StandardCharsets.UTF_8));
    part(d, path.getBytes(StandardCharsets.UTF_8));
    part(d, Integer.toString(sorted.size()).getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, String> p : sorted) {
      part(d, p.getKey().getBytes(StandardCharsets.UTF_8));
      part(d, p.getValue().getBytes(StandardCharsets.UTF_8));
    }
    if (body == null) {
      d.update((byte) '-');
    } else {
      d.update((byte) '+');
      part(d, body);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static void part(MessageDigest d, byte[] bytes) {
    d.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    d.update(bytes);
  }
}
