package dev.rekey.api;

import java.util.List;

/**
 * A namespace's two-person rule ({@code PUT /v1/approval-policy} takes {@code operations},
 * {@code requiredApprovals} and {@code ttl}): the guarded operations, how many principals other
 * than the requester must approve (1 to 5, default 1), and how long a request stays valid
 * (ISO-8601, PT5M to P7D, default P1D). Changing or removing a policy needs approval itself.
 */
public record ApprovalPolicyView(String namespace, List<String> operations, Integer requiredApprovals, String ttl,
    String updatedAt, String updatedBy) {}
