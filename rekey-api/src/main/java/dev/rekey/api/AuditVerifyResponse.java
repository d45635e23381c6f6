package dev.rekey.api;

/**
 * {@code GET} or {@code POST /v1/audit/verify}: whether the hash chain and checkpoints are intact
 * (and the trail still holds the anchor given); when not, the first broken record's sequence
 * number and a reason. {@code anchor} is the newest signed checkpoint of an intact trail, to keep
 * outside the server; null when broken or when nothing is signed yet.
 */
public record AuditVerifyResponse(
    boolean valid, long records, long checkpoints, Long firstBrokenSeq, String reason, AuditAnchor anchor) {}
