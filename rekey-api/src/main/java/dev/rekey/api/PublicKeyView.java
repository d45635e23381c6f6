package dev.rekey.api;

import java.util.Map;

/**
 * {@code GET /v1/keys/{name}/public-key}: one version's public key, as PEM
 * ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo) and as a JWK. {@code algorithm} is
 * the JWS name ({@code EdDSA}, {@code ES256}, {@code PS256}, ...).
 */
public record PublicKeyView(int version, String algorithm, String pem, Map<String, Object> jwk) {}
