package dev.rekey.core.approval;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;

/**
 * The request needs an approval it did not bring: {@link #approval()} is the pending request made
 * for it (or the one already waiting for the same request), which the answer names.
 */
public final class ApprovalRequiredException extends RekeyException {
  private final transient Approval approval;

  public ApprovalRequiredException(Approval approval) {
    super(ErrorCode.APPROVAL_REQUIRED, approval.operation().wireName() + " in namespace '" + approval.namespace()
        + "' needs " + approval.requiredApprovals() + " approval(s) from another principal: approval "
        + approval.id() + " is " + approval.state().wireName() + "; once approved, send the same request again"
        + " with header X-Rekey-Approval: " + approval.id());
    this.approval = approval;
  }

  public Approval approval() {
    return approval;
  }
}
