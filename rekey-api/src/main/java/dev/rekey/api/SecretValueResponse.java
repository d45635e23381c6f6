package dev.rekey.api;

import java.util.List;

/**
 * A secret version's value: {@code value} when it is valid UTF-8 text (else null) and always
 * {@code valueBase64}. Secret: never shown by {@link #toString}.
 */
public record SecretValueResponse(String name, int version, List<String> labels, String value, String valueBase64,
    String createdAt, String expiresAt, boolean expired) {
  @Override
  public String toString() {
    return "SecretValueResponse[" + name + " v" + version + " " + labels + ", redacted]";
  }
}
