package dev.rekey.core.approval;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.Durations;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.ApprovalRepository;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Two-person approval of destructive and emergency operations (DESIGN.md C12, C14).
 *
 * <p>A request for an operation the namespace's {@link ApprovalPolicy} guards runs only with an
 * approval: without one, {@link #guard} stores a pending {@link Approval} bound to the exact
 * request and refuses it with {@link ApprovalRequiredException}; once enough other principals have
 * approved, the requester sends the same request again naming the approval, and it runs once.
 * Changing or removing a policy is itself guarded while the namespace has one.
 */
public final class ApprovalService {
  /** The most requests {@link #list} returns at once. */
  public static final int MAX_PAGE = 1000;
  private static final int MAX_ATTEMPTS = 5;

  private final ApprovalRepository approvals;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Clock clock;
  private final TokenIssuers issuers;

  /** Who issued a token, directly or through other tokens (the token service knows). */
  @FunctionalInterface
  public interface TokenIssuers {
    Set<String> issuersOf(String tokenId);
  }

  /**
   * Requests and their changes are stored with an {@code ApprovalRequested} or
   * {@code ApprovalStateChanged} event in one transaction of {@code transactions}, so that
   * approvers and requesters can be told by webhook.
   */
  public ApprovalService(ApprovalRepository approvals, Transactions transactions, EventOutbox outbox,
      TokenIssuers issuers, Clock clock) {
    this.issuers = Objects.requireNonNull(issuers, "issuers");
    this.approvals = Objects.requireNonNull(approvals, "approvals");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The request a guarded operation is about, as the edge saw it. */
  public record GuardedRequest(String namespace, GuardedOperation operation, String target, String summary,
      String requester, String requesterToken, String fingerprint, String approvalId) {
    public GuardedRequest {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /** What {@link #guard} ran: the work's result and the approval it used (null: none was needed). */
  public record Guarded<T>(T result, Approval approval) {}

  /**
   * Runs {@code work} if the namespace's policy does not guard the operation, or if the request
   * names an approval given for exactly it (which is then used up); otherwise stores (or finds)
   * the pending approval for this request and throws {@link ApprovalRequiredException}. When
   * {@code work} refuses the request (a {@link RekeyException} other than INTERNAL), the approval
   * it was to use is given back, so the request can be sent again; {@code work} must change nothing
   * when it refuses (a transaction of its own). After a failure whose outcome is unknown (INTERNAL,
   * such as a storage error at commit, or any other exception) the approval stays used: the
   * operation may have run, and must not run a second time on the same approval.
   */
  public <T> Guarded<T> guard(GuardedRequest request, Supplier<T> work) {
    Optional<ApprovalPolicy> policy = approvals.policy(request.namespace());
    if (policy.isEmpty() || !policy.get().guards(request.operation())) {
      return new Guarded<>(work.get(), null);
    }
    if (request.approvalId() == null) {
      throw new ApprovalRequiredException(pendingFor(request, policy.get()));
    }
    Approval used = use(request, policy.get());
    T result;
    try {
      result = work.get();
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.INTERNAL) {
        giveBack(used); // refused before anything changed (illegal state, in use, not found, ...)
      }
      throw e;
    }
    return new Guarded<>(result, used);
  }

  /**
   * The request's waiting approval (approved and not yet used, or pending), or a new pending one.
   * At most one request is stored pending for the same request ({@link ApprovalRepository#insertPending}),
   * so identical requests arriving at once all name the same one. A pending one that can no longer
   * be used (its time is up, or it was asked under a looser policy than the namespace's now) is
   * ended first, expired or cancelled on its requester's behalf, and a new one replaces it.
   */
  private Approval pendingFor(GuardedRequest r, ApprovalPolicy policy) {
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      Optional<Approval> approved = approvals.findByRequest(r.namespace(), r.requester(), r.fingerprint(),
          ApprovalState.APPROVED).filter(a -> waiting(a, ApprovalState.APPROVED, policy, now));
      if (approved.isPresent()) {
        return approved.get();
      }
      Approval pending = approvals.findByRequest(r.namespace(), r.requester(), r.fingerprint(), ApprovalState.PENDING)
          .orElseGet(() -> request(r, policy, now));
      if (waiting(pending, ApprovalState.PENDING, policy, now)) {
        return pending;
      }
      replace(pending, now);
      if (attempt >= MAX_ATTEMPTS) {
        throw RekeyException.concurrentModification("the approval request for this request keeps changing;"
            + " send the request again");
      }
    }
  }

  /** Stores a new pending request with its event, or returns the one stored for the same request meanwhile. */
  private Approval request(GuardedRequest r, ApprovalPolicy policy, Instant now) {
    Approval created = Approval.request(ApprovalIds.next(now), r.namespace(), r.operation(), r.target(),
        r.summary(), r.requester(), r.requesterToken(), r.fingerprint(), policy, now);
    return transactions.inTransaction(() -> {
      Approval stored = approvals.insertPending(created);
      if (stored.id().equals(created.id())) {
        outbox.append(List.of(ApprovalEvents.requested(created)));
      }
      return stored;
    });
  }

  /** Is {@code a} in state {@code s} now, and usable under {@code policy}? */
  private static boolean waiting(Approval a, ApprovalState s, ApprovalPolicy policy, Instant now) {
    return a.stateAt(now) == s && satisfies(a, policy, now);
  }

  /**
   * Ends a pending request that can no longer be used, so that a new one can be stored pending for
   * the same request: expired when its time is up, otherwise cancelled on behalf of its requester,
   * whose asking again replaces it. Nothing happens when it changed meanwhile (the caller looks again).
   */
  private void replace(Approval stale, Instant now) {
    boolean expired = stale.stateAt(now) == ApprovalState.EXPIRED;
    store(stale, expired ? stale.expire(now) : stale.cancel(stale.requester(), now));
  }

  /** Does {@code a} meet {@code policy} as it is now (approvals needed, age), which may be stricter than when asked? */
  private static boolean satisfies(Approval a, ApprovalPolicy policy, Instant now) {
    return a.requiredApprovals() >= policy.requiredApprovals() && now.isBefore(a.createdAt().plus(policy.ttl()));
  }

  /** Uses the request's approval, which must also satisfy the policy as it is now (it may have been tightened). */
  private Approval use(GuardedRequest r, ApprovalPolicy policy) {
    Approval a = approvals.find(r.approvalId())
        .filter(found -> found.namespace().equals(r.namespace()) && found.operation() == r.operation())
        .orElseThrow(() -> RekeyException.forbidden("approval " + r.approvalId() + " does not exist or was not given"
            + " for " + r.operation().wireName() + " in namespace '" + r.namespace() + "'"));
    Instant now = clock.instant();
    Approval used = a.use(r.requester(), r.fingerprint(), now);
    if (!satisfies(a, policy, now)) {
      throw RekeyException.illegalState("approval " + a.id() + " was given under a looser policy than the namespace's"
          + " now (" + policy.requiredApprovals() + " approval(s), valid for " + Durations.text(policy.ttl())
          + "); send the request without it to ask again");
    }
    if (!store(a, used)) {
      throw RekeyException.concurrentModification("approval " + a.id() + " changed meanwhile; send the request again");
    }
    return used;
  }

  private void giveBack(Approval used) {
    Instant now = clock.instant();
    if (now.isBefore(used.expiresAt())) {
      store(used, used.release(now)); // false: changed meanwhile, which only a later use can do
    }
  }

  public Approval get(String id) {
    return approvals.find(id).map(this::current)
        .orElseThrow(() -> RekeyException.notFound("no approval '" + id + "'"));
  }

  /**
   * One page of {@link #page}: {@code next} (null: no more) is the cursor for the next page, set
   * whenever the store had {@code limit} rows, even if filtering by the state as of now left fewer
   * (or none) here.
   */
  public record Page(List<Approval> approvals, String next) {}

  /** Newest first; {@code state} filters by the state as of now (an expired one is EXPIRED). */
  public List<Approval> list(String namespace, ApprovalState state, String beforeId, int limit) {
    return page(namespace, state, beforeId, limit).approvals();
  }

  /** As {@link #list}, with the cursor of the next page. */
  public Page page(String namespace, ApprovalState state, String beforeId, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw RekeyException.invalid("limit must be from 1 to " + MAX_PAGE);
    }
    Instant now = clock.instant();
    // stored PENDING or APPROVED rows may have expired since: ask for them, then filter as of now
    ApprovalState stored = state == ApprovalState.EXPIRED ? null : state;
    List<Approval> page = approvals.list(namespace, stored, beforeId, limit);
    String next = page.size() == limit ? page.get(page.size() - 1).id() : null;
    return new Page(page.stream().map(a -> current(a, now)).filter(a -> state == null || a.state() == state).toList(),
        next);
  }

  /** {@code approver}, holding token {@code approverToken}, approves (see {@link Approval#approve}). */
  public Approval approve(String id, String approver, String approverToken) {
    return change(id, a -> a.approve(approver, issuers(approverToken), issuers(a.requesterToken()), clock.instant()));
  }

  private Set<String> issuers(String tokenId) {
    return tokenId == null ? Set.of() : issuers.issuersOf(tokenId);
  }

  public Approval deny(String id, String approver) {
    return change(id, a -> a.deny(approver, clock.instant()));
  }

  public Approval cancel(String id, String by) {
    return change(id, a -> a.cancel(by, clock.instant()));
  }

  /** Does {@code namespace}'s policy put {@code operation} under approval? */
  public boolean guards(String namespace, GuardedOperation operation) {
    return approvals.policy(namespace).map(p -> p.guards(operation)).orElse(false);
  }

  public Optional<ApprovalPolicy> policy(String namespace) {
    return approvals.policy(namespace);
  }

  /** Stores {@code policy}; run it through {@link #guard} with {@link GuardedOperation#POLICY_CHANGE}. */
  public ApprovalPolicy putPolicy(ApprovalPolicy policy) {
    approvals.putPolicy(policy);
    return policy;
  }

  /** Removes the namespace's policy; NOT_FOUND when it has none. Guard it as {@link #putPolicy}. */
  public void deletePolicy(String namespace) {
    if (!approvals.deletePolicy(namespace)) {
      throw RekeyException.notFound("namespace '" + namespace + "' has no approval policy");
    }
  }

  private Approval change(String id, UnaryOperator<Approval> transition) {
    for (int attempt = 1; ; attempt++) {
      Approval stored = approvals.find(id).orElseThrow(() -> RekeyException.notFound("no approval '" + id + "'"));
      Approval next = transition.apply(stored);
      if (store(stored, next)) {
        return next;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new RekeyException(ErrorCode.CONCURRENT_MODIFICATION, "approval " + id + " keeps changing; try again");
      }
    }
  }

  /** Stores {@code next} over {@code previous} with its event; false when the stored one moved on. */
  private boolean store(Approval previous, Approval next) {
    return transactions.inTransaction(() -> {
      if (!approvals.update(next)) {
        return false;
      }
      outbox.append(List.of(ApprovalEvents.changed(previous, next)));
      return true;
    });
  }

  private Approval current(Approval a) {
    return current(a, clock.instant());
  }

  /** As stored, or EXPIRED when its time is up (recorded when next written). */
  private static Approval current(Approval a, Instant now) {
    return a.stateAt(now) == ApprovalState.EXPIRED && a.state() != ApprovalState.EXPIRED ? a.expire(now) : a;
  }
}
