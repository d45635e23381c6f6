package dev.rekey.api;

import java.util.Map;

/** {@code POST /v1/keys}; {@code type} null means {@code aes256-gcm} (also {@code hmac-sha256}). */
public record CreateKeyRequest(String name, String type, Map<String, String> tags) {}
