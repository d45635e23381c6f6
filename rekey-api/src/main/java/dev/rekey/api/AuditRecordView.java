package dev.rekey.api;

import java.util.Map;

/**
 * One audit record. {@code outcome} is {@code allowed}, {@code denied} or {@code failed};
 * {@code key}, {@code version}, {@code errorCode}, {@code details} may be null. Records never hold
 * secrets or plaintext. {@code details} is a free-form JSON object.
 */
public record AuditRecordView(
    long seq,
    String time,
    String requestId,
    String principal,
    String tokenId,
    String action,
    String namespace,
    String key,
    Integer version,
    String outcome,
    String errorCode,
    String clientAddress,
    Map<String, Object> details,
    String prevHash,
    String hash) {}
