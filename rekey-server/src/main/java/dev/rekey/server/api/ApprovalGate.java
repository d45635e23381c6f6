package dev.rekey.server.api;

import dev.rekey.core.approval.ApprovalRequiredException;
import dev.rekey.core.approval.ApprovalService;
import dev.rekey.core.approval.ApprovalService.GuardedRequest;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.server.http.Call;
import java.util.function.Supplier;

/**
 * Runs a guarded operation of an endpoint through {@link ApprovalService#guard}: the request's
 * approval comes in header {@value #HEADER}; the audit record names the approval it used.
 */
public final class ApprovalGate {
  public static final String HEADER = dev.rekey.api.ApiPaths.HEADER_APPROVAL;

  private final ApprovalService approvals;

  public ApprovalGate(ApprovalService approvals) {
    this.approvals = approvals;
  }

  /**
   * Runs {@code work} under the namespace's policy; {@code summary} tells approvers what the
   * request asks for (its parameters, never a secret). A request refused for want of an approval is
   * audited with the approval request made (or found) for it, so the trail links the two.
   */
  public <T> T run(Call c, GuardedOperation operation, String target, String summary, Supplier<T> work) {
    ApprovalService.Guarded<T> done;
    try {
      done = approvals.guard(new GuardedRequest(c.namespace(), operation, target, summary, c.principal().name(),
          c.principal().tokenId(), c.fingerprint(), c.header(HEADER)), work);
    } catch (ApprovalRequiredException e) {
      c.auditApproval(e.approval().id());
      throw e;
    }
    if (done.approval() != null) {
      c.auditApproval(done.approval().id());
    }
    return done.result();
  }
}
