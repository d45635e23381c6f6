package dev.rekey.api;

import java.util.Map;

/**
 * {@code POST /v1/keys}; {@code type} null means {@code aes256-gcm}. {@code exportable} true allows
 * an explicit, audited export of the key's material later (one way; off by default).
 */
public record CreateKeyRequest(String name, String type, Map<String, String> tags, Boolean exportable) {
  public CreateKeyRequest(String name, String type, Map<String, String> tags) {
    this(name, type, tags, null);
  }
}
