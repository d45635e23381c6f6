package dev.rekey.api;

/** {@code POST /v1/audit/verify}: verify the trail and that it still holds {@code anchor}. */
public record AuditVerifyRequest(AuditAnchor anchor) {}
