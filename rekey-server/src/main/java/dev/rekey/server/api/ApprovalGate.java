package dev.rekey.server.api;

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

  public <T> T run(Call c, GuardedOperation operation, String target, Supplier<T> work) {
    ApprovalService.Guarded<T> done = approvals.guard(new GuardedRequest(c.namespace(), operation, target,
        c.principal().name(), c.fingerprint(), c.header(HEADER)), work);
    if (done.approval() != null) {
      c.auditApproval(done.approval().id());
    }
    return done.result();
  }
}
