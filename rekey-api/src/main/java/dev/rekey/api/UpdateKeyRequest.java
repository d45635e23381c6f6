package dev.rekey.api;

import java.util.Map;

/**
 * {@code PATCH /v1/keys/{name}}: every field optional; null leaves it unchanged; tags replace all
 * tags; {@code exportable} can only be turned on.
 */
public record UpdateKeyRequest(
    Integer minDecryptionVersion, Integer minEncryptionVersion, Map<String, String> tags, Boolean exportable) {
  public UpdateKeyRequest(Integer minDecryptionVersion, Integer minEncryptionVersion, Map<String, String> tags) {
    this(minDecryptionVersion, minEncryptionVersion, tags, null);
  }
}
