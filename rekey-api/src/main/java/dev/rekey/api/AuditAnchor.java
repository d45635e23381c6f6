package dev.rekey.api;

/**
 * A signed audit checkpoint as an operator keeps it outside the server: the chain had {@code hash}
 * at {@code seq}, signed at {@code at} (ISO-8601, microseconds) by the audit signing key
 * {@code keyId} with the Ed25519 {@code signature} (base64). {@code POST /v1/audit/verify} checks
 * that a trail still holds it.
 */
public record AuditAnchor(long seq, String hash, String at, String keyId, String signature) {}
