package dev.rekey.api;

/** {@code POST /v1/keys/{name}/mac/verify}: the message (base64) and the tag. Redacts the message. */
public record MacVerifyRequest(String message, String mac) {
  @Override
  public String toString() {
    return "MacVerifyRequest[message=redacted, mac=" + mac + "]";
  }
}
