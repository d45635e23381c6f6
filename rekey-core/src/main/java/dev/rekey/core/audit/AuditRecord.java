package dev.rekey.core.audit;

/**
 * A chained audit record: {@code hash = SHA-256(prevHash || canonical(event, seq))}, hex encoded.
 * Sequence numbers start at 1 and have no gaps.
 */
public record AuditRecord(long seq, AuditEvent event, String prevHash, String hash) {}
