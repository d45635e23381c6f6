package dev.rekey.core.audit;

import java.time.Instant;

/**
 * A signed statement that the chain had {@code hash} at {@code seq}: an Ed25519 signature by the
 * audit signing key {@code keyId}, base64 encoded.
 */
public record AuditCheckpoint(long seq, String hash, Instant at, String keyId, String signature) {}
