package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.ApprovalList;
import dev.rekey.api.ApprovalPolicyView;
import dev.rekey.api.ApprovalView;
import java.time.Duration;
import java.util.List;

/**
 * Two-person approval ({@code client.approvals()}): approval requests of this client's namespace
 * and its approval policy. A guarded operation refused with {@code approval_required} carries its
 * request in {@link RekeyClientException#approval()}; another principal approves it here, and the
 * requester sends the same request again through {@link RekeyClient#withApproval}.
 */
public final class ApprovalsClient {
  private final ApiCalls calls;

  ApprovalsClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Newest first; {@code state} (pending, approved, ...) and {@code before} (a cursor) may be null. */
  public ApprovalList list(String state, String before, Integer limit) {
    return calls.get(WireText.pathWithQuery("/v1/approvals", "state", state, "before", before, "limit", limit),
        ApprovalList.class);
  }

  public ApprovalView get(String id) {
    return calls.get(path(id), ApprovalView.class);
  }

  public ApprovalView approve(String id) {
    return calls.post(path(id) + "/approve", null, ApprovalView.class);
  }

  public ApprovalView deny(String id) {
    return calls.post(path(id) + "/deny", null, ApprovalView.class);
  }

  /** Withdraws a pending or approved request (its requester, or an approver). */
  public ApprovalView cancel(String id) {
    return calls.post(path(id) + "/cancel", null, ApprovalView.class);
  }

  public ApprovalPolicyView policy() {
    return calls.get("/v1/approval-policy", ApprovalPolicyView.class);
  }

  /**
   * Sets the namespace's policy: {@code operations} such as {@code key.destroy}; {@code
   * requiredApprovals} and {@code ttl} null for the defaults (1, one day). Once the namespace has a
   * policy, changing it is refused with {@code approval_required} until approved.
   */
  public ApprovalPolicyView putPolicy(List<String> operations, Integer requiredApprovals, Duration ttl) {
    return calls.send("PUT", "/v1/approval-policy", new ApprovalPolicyView(null, operations, requiredApprovals,
        ttl == null ? null : ttl.toString(), null, null), ApprovalPolicyView.class);
  }

  /** Removes the namespace's policy (needs approval like a change). */
  public void deletePolicy() {
    calls.call("DELETE", "/v1/approval-policy");
  }

  private static String path(String id) {
    return "/v1/approvals/" + ApiPaths.segment(id);
  }
}
