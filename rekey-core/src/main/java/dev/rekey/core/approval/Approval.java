package dev.rekey.core.approval;

import dev.rekey.core.RekeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One request for a {@link GuardedOperation} waiting for, or holding, the approval of principals
 * other than its requester. It is bound to the exact request by {@code fingerprint} (a hash of the
 * method, path, query and body: never the body itself), and is used at most once.
 *
 * <p>Transitions return a new value with {@code revision + 1}; the repository stores it only over
 * the revision it was made from, so two approvers racing cannot both count.
 *
 * @param target what the operation is on, for people: {@code keys/payments/versions/3}
 * @param summary what the request asks for, for approvers (its parameters: never a secret)
 * @param requesterToken the id of the token it was requested with (null when not known)
 * @param approvers who approved so far, in order
 * @param decidedBy who denied or cancelled it (null otherwise)
 */
public record Approval(String id, String namespace, GuardedOperation operation, String target, String summary,
    String requester, String requesterToken, String fingerprint, int requiredApprovals, List<String> approvers, ApprovalState state, Instant createdAt,
    Instant expiresAt, Instant updatedAt, String decidedBy, long revision) {

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    approvers = List.copyOf(approvers);
  }

  /** A new request, pending until {@code requiredApprovals} others approve it or it expires. */
  public static Approval request(String id, String namespace, GuardedOperation operation, String target,
      String summary, String requester, String requesterToken, String fingerprint, ApprovalPolicy policy,
      Instant now) {
    return new Approval(id, namespace, operation, target, summary, requester, requesterToken, fingerprint,
        policy.requiredApprovals(), List.of(), ApprovalState.PENDING, now, now.plus(policy.ttl()), now, null, 0);
  }

  /**
   * The key or secret name the target is about ({@code keys/<name>/...}, {@code secrets/<name>/...}),
   * or null for a namespace-wide target (the approval policy).
   */
  public String targetName() {
    int slash = target.indexOf('/');
    if (slash < 0 || !(target.startsWith("keys/") || target.startsWith("secrets/"))) {
      return null;
    }
    int end = target.indexOf('/', slash + 1);
    return end < 0 ? target.substring(slash + 1) : target.substring(slash + 1, end);
  }

  /** The state at {@code now}: a pending or approved request past its expiry has expired. */
  public ApprovalState stateAt(Instant now) {
    return !state.isFinal() && !now.isBefore(expiresAt) ? ApprovalState.EXPIRED : state;
  }

  /** As {@link #approve(String, Set, Set, Instant)} where no token chains are known. */
  public Approval approve(String approver, Instant now) {
    return approve(approver, Set.of(), Set.of(), now);
  }

  /**
   * {@code approver} agrees; it becomes APPROVED once enough distinct others have. Not the
   * requester, and no one related to it by the tokens they hold: neither whose token was issued,
   * directly or through other tokens, by the requester ({@code approverIssuers}), nor who issued
   * the requester's ({@code requesterIssuers}); either could hold both identities.
   */
  public Approval approve(String approver, Set<String> approverIssuers, Set<String> requesterIssuers, Instant now) {
    require(ApprovalState.PENDING, now, "approved");
    notRequester(approver, "approve");
    if (approverIssuers.contains(requester)) {
      throw RekeyException.forbidden("'" + approver + "' holds a token issued (directly or through other tokens) by '"
          + requester + "', who requested approval " + id + ": an independent principal must approve it");
    }
    if (requesterIssuers.contains(approver)) {
      throw RekeyException.forbidden("'" + approver + "' issued (directly or through other tokens) the token that"
          + " requested approval " + id + ": an independent principal must approve it");
    }
    if (approvers.contains(approver)) {
      throw RekeyException.illegalState("approval " + id + " was already approved by '" + approver + "'");
    }
    List<String> next = new ArrayList<>(approvers);
    next.add(approver);
    ApprovalState s = next.size() >= requiredApprovals ? ApprovalState.APPROVED : ApprovalState.PENDING;
    return with(next, s, now, null);
  }

  /** {@code approver} refuses: final. */
  public Approval deny(String approver, Instant now) {
    require(ApprovalState.PENDING, now, "denied");
    notRequester(approver, "deny");
    return with(approvers, ApprovalState.DENIED, now, approver);
  }

  /** Withdrawn (by its requester, or by an approver) before it was used: final. */
  public Approval cancel(String by, Instant now) {
    ApprovalState s = stateAt(now);
    if (s != ApprovalState.PENDING && s != ApprovalState.APPROVED) {
      throw notIn(s, "cancelled");
    }
    return with(approvers, ApprovalState.CANCELLED, now, by);
  }

  /** The approved request runs now: only its requester, only the same request, only once. */
  public Approval use(String caller, String requestFingerprint, Instant now) {
    if (!requester.equals(caller)) {
      throw RekeyException.forbidden("approval " + id + " was requested by another principal");
    }
    if (!fingerprint.equals(requestFingerprint)) {
      throw RekeyException.forbidden("approval " + id + " was given for a different request (method, path, query"
          + " and body must be the same)");
    }
    ApprovalState s = stateAt(now);
    if (s == ApprovalState.PENDING) {
      throw RekeyException.illegalState("approval " + id + " is still pending: " + approvers.size() + " of "
          + requiredApprovals + " approvals");
    }
    if (s != ApprovalState.APPROVED) {
      throw notIn(s, "used");
    }
    return with(approvers, ApprovalState.USED, now, null);
  }

  /**
   * Undoes {@link #use} when the request it was used for failed and changed nothing, so that its
   * requester can send it again: only from USED, and only before the approval expires.
   */
  public Approval release(Instant now) {
    if (state != ApprovalState.USED || !now.isBefore(expiresAt)) {
      throw RekeyException.illegalState("approval " + id + " is " + stateAt(now).wireName() + " and cannot be released");
    }
    return with(approvers, ApprovalState.APPROVED, now, null);
  }

  /** Records the expiry of a request found past its time (reads already show it as expired). */
  public Approval expire(Instant now) {
    if (stateAt(now) != ApprovalState.EXPIRED || state == ApprovalState.EXPIRED) {
      throw RekeyException.illegalState("approval " + id + " has not expired");
    }
    return with(approvers, ApprovalState.EXPIRED, now, null);
  }

  private void require(ApprovalState expected, Instant now, String verb) {
    ApprovalState s = stateAt(now);
    if (s != expected) {
      throw notIn(s, verb);
    }
  }

  private RekeyException notIn(ApprovalState s, String verb) {
    return RekeyException.illegalState("approval " + id + " is " + s.wireName() + " and cannot be " + verb);
  }

  private void notRequester(String principal, String verb) {
    if (requester.equals(principal)) {
      throw RekeyException.forbidden("'" + principal + "' requested approval " + id
          + " and may not " + verb + " it: another principal must");
    }
  }

  private Approval with(List<String> nextApprovers, ApprovalState next, Instant now, String by) {
    return new Approval(id, namespace, operation, target, summary, requester, requesterToken, fingerprint,
        requiredApprovals, nextApprovers, next, createdAt, expiresAt, now, by, revision + 1);
  }
}
