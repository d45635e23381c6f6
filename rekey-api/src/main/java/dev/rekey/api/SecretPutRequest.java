package dev.rekey.api;

import java.util.Map;

/**
 * {@code PUT /v1/secrets/{name}}: a new version. The value is {@code value} (UTF-8 text) or
 * {@code valueBase64} (bytes), not both. {@code cas}: 0 only creates, N only writes over current
 * version N. Expiry: {@code expiresAt} (ISO-8601) or {@code ttl} (ISO-8601 duration). {@code pending}
 * writes it as PENDING instead of CURRENT. {@code tags} replace the secret's tags when given.
 */
public record SecretPutRequest(String value, String valueBase64, Integer cas, String expiresAt, String ttl,
    Boolean pending, Map<String, String> tags) {
  @Override
  public String toString() {
    return "SecretPutRequest[redacted, cas=" + cas + ", expiresAt=" + expiresAt + ", ttl=" + ttl + ", pending="
        + pending + "]";
  }
}
