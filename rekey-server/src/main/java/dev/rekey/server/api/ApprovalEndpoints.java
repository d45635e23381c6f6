package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.ApprovalList;
import dev.rekey.api.ApprovalPolicyView;
import dev.rekey.api.ApprovalView;
import dev.rekey.core.Durations;
import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalService;
import dev.rekey.core.approval.ApprovalState;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.auth.Action;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * Two-person approval: approval requests of the namespace (list, read, approve, deny, cancel) and
 * its approval policy. A request is seen by its requester and by those who may approve in its
 * namespace; anyone else is told there is no such request.
 */
public final class ApprovalEndpoints {
  private static final String POLICY_TARGET = "approval-policy";

  private final ApprovalService approvals;
  private final ApprovalGate gate;
  private final Clock clock;

  public ApprovalEndpoints(ApprovalService approvals, ApprovalGate gate, Clock clock) {
    this.approvals = approvals;
    this.gate = gate;
    this.clock = clock;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.GET, "/v1/approvals", Action.APPROVAL_READ, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/approvals/:id", Action.APPROVAL_READ, BLOCKING, c -> ApprovalViews.of(visible(c)));
    r.route(HttpMethod.POST, "/v1/approvals/:id/approve", Action.APPROVE, BLOCKING, c -> decide(c, true));
    r.route(HttpMethod.POST, "/v1/approvals/:id/deny", Action.APPROVE, BLOCKING, c -> decide(c, false));
    r.route(HttpMethod.POST, "/v1/approvals/:id/cancel", Action.APPROVAL_READ, BLOCKING, this::cancel);
    r.route(HttpMethod.GET, "/v1/approval-policy", Action.APPROVAL_READ, BLOCKING, this::policy);
    r.route(HttpMethod.PUT, "/v1/approval-policy", Action.APPROVAL_POLICY, BLOCKING, this::putPolicy);
    r.route(HttpMethod.DELETE, "/v1/approval-policy", Action.APPROVAL_POLICY, BLOCKING, this::deletePolicy);
  }

  private ApprovalList list(Call c) {
    int limit = c.intQuery("limit", 100, 1, ApprovalService.MAX_PAGE);
    String stateName = c.query("state");
    ApprovalState state = stateName == null ? null : ApprovalState.fromWire(stateName);
    if (stateName != null && state == null) {
      throw RekeyException.invalid("query parameter 'state' must be one of pending, approved, denied, cancelled,"
          + " expired, used");
    }
    boolean approver = mayApprove(c);
    ApprovalService.Page page = approvals.page(c.namespace(), state, c.query("before"), limit);
    List<ApprovalView> shown = page.approvals().stream().filter(a -> approver || a.requester().equals(c.principal().name()))
        .map(ApprovalViews::of).toList();
    return new ApprovalList(shown, page.next());
  }

  private ApprovalView decide(Call c, boolean approve) {
    c.requireNoBody();
    Approval a = visible(c);
    describe(c, a, approve ? "approve" : "deny");
    String name = a.targetName();
    if (!c.principal().may(Action.APPROVE, c.namespace(), name == null ? "*" : name)) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not decide on " + a.target()
          + ": its approver grants in namespace '" + c.namespace() + "' do not cover it");
    }
    String by = c.principal().name();
    return ApprovalViews.of(approve ? approvals.approve(a.id(), by, c.principal().tokenId())
        : approvals.deny(a.id(), by));
  }

  /** Its requester withdraws it, or someone who may approve in its namespace does. */
  private ApprovalView cancel(Call c) {
    c.requireNoBody();
    Approval a = visible(c);
    describe(c, a, "cancel");
    String name = a.targetName();
    // someone else's request ends here as a denial would: only where the caller may decide on it
    if (!a.requester().equals(c.principal().name())
        && !c.principal().may(Action.APPROVE, c.namespace(), name == null ? "*" : name)) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not cancel a request about " + a.target()
          + ": its approver grants in namespace '" + c.namespace() + "' do not cover it");
    }
    return ApprovalViews.of(approvals.cancel(a.id(), c.principal().name()));
  }

  /** Shown to whoever holds a grant in the namespace (the rules its members work under), to no one else. */
  private ApprovalPolicyView policy(Call c) {
    if (!c.principal().hasGrantIn(c.namespace())) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' holds no grant in namespace '" + c.namespace()
          + "'");
    }
    return approvals.policy(c.namespace()).map(ApprovalViews::of)
        .orElseThrow(() -> RekeyException.notFound("namespace '" + c.namespace() + "' has no approval policy"));
  }

  private Object putPolicy(Call c) {
    ApprovalPolicyView req = c.body(ApprovalPolicyView.class);
    if (req.namespace() != null && !req.namespace().equals(c.namespace())) {
      throw RekeyException.invalid("field 'namespace' must be the request's namespace ('" + c.namespace()
          + "') or left out");
    }
    if (req.updatedAt() != null || req.updatedBy() != null) {
      throw RekeyException.invalid("fields 'updated_at' and 'updated_by' are set by the server");
    }
    if (req.operations() == null || req.operations().isEmpty()) {
      throw RekeyException.invalid("field 'operations' must name at least one operation");
    }
    EnumSet<GuardedOperation> ops = EnumSet.noneOf(GuardedOperation.class);
    req.operations().forEach(op -> ops.add(GuardedOperation.fromWire(op)));
    Duration ttl = req.ttl() == null ? ApprovalPolicy.DEFAULT_TTL : Durations.parse("ttl", req.ttl(), "P1D");
    ApprovalPolicy policy = new ApprovalPolicy(c.namespace(), ops,
        req.requiredApprovals() == null ? 1 : req.requiredApprovals(), ttl, clock.instant(), c.principal().name());
    c.auditDetails("{\"operations\":\"" + String.join(",", ApprovalViews.of(policy).operations())
        + "\",\"required_approvals\":" + policy.requiredApprovals() + "}");
    String summary = "set the approval policy: operations " + String.join(", ", ApprovalViews.of(policy).operations())
        + "; " + policy.requiredApprovals() + " approval(s); requests valid for " + Durations.text(policy.ttl());
    return ApprovalViews.of(gate.run(c, GuardedOperation.POLICY_CHANGE, POLICY_TARGET, summary,
        () -> approvals.putPolicy(policy)));
  }

  private Object deletePolicy(Call c) {
    c.requireNoBody();
    gate.run(c, GuardedOperation.POLICY_CHANGE, POLICY_TARGET, "remove the approval policy", () -> {
      approvals.deletePolicy(c.namespace());
      return null;
    });
    return Reply.noContent();
  }

  /** The request in the path, if the caller may see it here: else NOT_FOUND, whether or not it exists. */
  private Approval visible(Call c) {
    String id = c.pathParam("id");
    Approval a;
    try {
      a = approvals.get(id);
    } catch (RekeyException e) {
      throw RekeyException.notFound("no approval '" + id + "' in namespace '" + c.namespace() + "'");
    }
    if (!a.namespace().equals(c.namespace()) || !(mayApprove(c) || a.requester().equals(c.principal().name()))) {
      throw RekeyException.notFound("no approval '" + id + "' in namespace '" + c.namespace() + "'");
    }
    return a;
  }

  private static boolean mayApprove(Call c) {
    return c.principal().may(Action.APPROVE, c.namespace(), null);
  }

  /**
   * The audit record's details: which request, and what was decided (approve and deny share the
   * route action {@code approve}, and cancel that of reading, so the action alone does not say).
   */
  private static void describe(Call c, Approval a, String decision) {
    c.auditDetails("{\"approval\":\"" + a.id() + "\",\"decision\":\"" + decision + "\",\"operation\":\""
        + a.operation().wireName()
        + "\",\"target\":" + io.vertx.core.json.Json.encode(a.target()) + "}");
  }
}
