package dev.rekey.api;

import java.util.List;

/**
 * A two-person approval request: the guarded {@code operation} ({@code key.destroy},
 * {@code key.emergency-rotate}, {@code key.export}, {@code secret.destroy},
 * {@code approval-policy.change}) on {@code target}, what it asks for ({@code summary}), who asked, who approved so far, and its
 * {@code state}: pending, approved, denied, cancelled, expired or used. Times are ISO-8601.
 */
public record ApprovalView(String id, String namespace, String operation, String target, String summary,
    String requester,
    String state, int requiredApprovals, List<String> approvers, String createdAt, String expiresAt,
    String updatedAt, String decidedBy) {}
