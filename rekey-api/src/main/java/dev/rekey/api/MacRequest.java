package dev.rekey.api;

/** {@code POST /v1/keys/{name}/mac}: the message (base64). Redacts the message. */
public record MacRequest(String message) {
  @Override
  public String toString() {
    return "MacRequest[message=redacted]";
  }
}
