package dev.rekey.server.http;

import java.nio.charset.StandardCharsets;

/** A response body that is not JSON (the Prometheus exposition at {@code /metrics}). */
public final class RawText {
  private final String contentType;
  private final byte[] bytes;

  public RawText(String contentType, String text) {
    this.contentType = contentType;
    this.bytes = text.getBytes(StandardCharsets.UTF_8);
  }

  String contentType() {
    return contentType;
  }

  byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "RawText[" + contentType + ", " + bytes.length + " bytes]";
  }
}
