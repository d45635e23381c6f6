package dev.rekey.server.api;

import dev.rekey.api.ApprovalPolicyView;
import dev.rekey.api.ApprovalView;
import dev.rekey.core.Durations;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.GuardedOperation;

/** Wire views of approval requests and policies. */
public final class ApprovalViews {
  private ApprovalViews() {}

  public static ApprovalView of(Approval a) {
    return new ApprovalView(a.id(), a.namespace(), a.operation().wireName(), a.target(), a.summary(), a.requester(),
        a.state().wireName(), a.requiredApprovals(), a.approvers(), Views.time(a.createdAt()),
        Views.time(a.expiresAt()), Views.time(a.updatedAt()), a.decidedBy());
  }

  static ApprovalPolicyView of(ApprovalPolicy p) {
    return new ApprovalPolicyView(p.namespace(), p.operations().stream().sorted().map(GuardedOperation::wireName)
        .toList(), p.requiredApprovals(), Durations.text(p.ttl()), Views.time(p.updatedAt()), p.updatedBy());
  }
}
