package dev.rekey.api;

/**
 * {@code GET /v1/audit/verify}: whether the hash chain and checkpoints are intact; when not,
 * the first broken record's sequence number and a reason.
 */
public record AuditVerifyResponse(
    boolean valid, long records, long checkpoints, Long firstBrokenSeq, String reason) {}
