package dev.rekey.api;

import java.util.List;
import java.util.Map;

/**
 * A key and its versions (metadata only; never material). Times are ISO-8601 strings.
 * {@code jwksUrl} is the path of the key's JWKS ({@code /v1/jwks/<namespace>/<name>}) for signing
 * keys, null otherwise.
 */
public record KeyView(
    String namespace,
    String name,
    String type,
    String purpose,
    int primaryVersion,
    int latestVersion,
    int minDecryptionVersion,
    int minEncryptionVersion,
    Map<String, String> tags,
    String createdAt,
    List<KeyVersionView> versions,
    String jwksUrl,
    boolean exportable) {}
