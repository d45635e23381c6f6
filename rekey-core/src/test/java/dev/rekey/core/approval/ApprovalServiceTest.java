package dev.rekey.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.ApprovalService.GuardedRequest;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemoryApprovalRepository;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApprovalServiceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryApprovalRepository repo = new InMemoryApprovalRepository();
  /** Who issued each token, as the token service would say. */
  private final java.util.Map<String, java.util.Set<String>> issuers = new java.util.HashMap<>();
  private final InMemoryEventOutbox events = new InMemoryEventOutbox();
  private final ApprovalService service = new ApprovalService(repo, Transactions.direct(), events,
      token -> issuers.getOrDefault(token, java.util.Set.of()), clock);
  private final AtomicInteger runs = new AtomicInteger();

  private void policy(int required, GuardedOperation... ops) {
    service.putPolicy(new ApprovalPolicy("payments", Set.of(ops), required, Duration.ofHours(1), clock.instant(), "root"));
  }

  private static GuardedRequest destroy(String requester, String fingerprint, String approvalId) {
    return new GuardedRequest("payments", GuardedOperation.KEY_DESTROY, "keys/k/versions/1", "schedule-destroy",
        requester, "tok_" + requester, fingerprint,
        approvalId);
  }

  private String run(GuardedRequest r) {
    return service.guard(r, () -> "done-" + runs.incrementAndGet()).result();
  }

  private Approval refusedWithApproval(GuardedRequest r) {
    try {
      run(r);
    } catch (ApprovalRequiredException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.APPROVAL_REQUIRED);
      assertThat(e.getMessage()).contains(e.approval().id()).contains("X-Rekey-Approval");
      return e.approval();
    }
    throw new AssertionError("the request ran without an approval");
  }

  private static void refused(Runnable r, ErrorCode code) {
    assertThatThrownBy(r::run).isInstanceOf(RekeyException.class)
        .satisfies(e -> assertThat(((RekeyException) e).code()).isEqualTo(code));
  }

  @Test
  void unguardedOperations_runAtOnce() {
    assertThat(run(destroy("alice", "fp", null))).isEqualTo("done-1");
    policy(1, GuardedOperation.KEY_EXPORT);
    assertThat(service.guard(destroy("alice", "fp", null), () -> "x").approval()).isNull();
  }

  @Test
  void guarded_runsOnlyAfterAnotherPrincipalApproved_thenOnlyOnce() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval pending = refusedWithApproval(destroy("alice", "fp", null));
    assertThat(pending.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(runs).hasValue(0);

    // asking again without the approval names the same pending request instead of a new one
    assertThat(refusedWithApproval(destroy("alice", "fp", null)).id()).isEqualTo(pending.id());
    refused(() -> run(destroy("alice", "fp", pending.id())), ErrorCode.ILLEGAL_STATE);
    refused(() -> service.approve(pending.id(), "alice", "tok_alice"), ErrorCode.FORBIDDEN);

    assertThat(service.approve(pending.id(), "bob", "tok_bob").state()).isEqualTo(ApprovalState.APPROVED);
    refused(() -> run(destroy("mallory", "fp", pending.id())), ErrorCode.FORBIDDEN);
    refused(() -> run(destroy("alice", "another request", pending.id())), ErrorCode.FORBIDDEN);
    // an approved request sent again without the header is told which approval to use
    assertThat(refusedWithApproval(destroy("alice", "fp", null)).state()).isEqualTo(ApprovalState.APPROVED);

    ApprovalService.Guarded<String> done = service.guard(destroy("alice", "fp", pending.id()), () -> "ran");
    assertThat(done.result()).isEqualTo("ran");
    assertThat(done.approval().approvers()).containsExactly("bob");
    assertThat(service.get(pending.id()).state()).isEqualTo(ApprovalState.USED);
    refused(() -> run(destroy("alice", "fp", pending.id())), ErrorCode.ILLEGAL_STATE);
    // a later identical request needs a new approval
    assertThat(refusedWithApproval(destroy("alice", "fp", null)).id()).isNotEqualTo(pending.id());
  }

  @Test
  void requests_andTheirChanges_areEvents() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    refusedWithApproval(destroy("alice", "fp", null)); // the same request again: no second event
    service.approve(a.id(), "bob", "tok_bob");
    run(destroy("alice", "fp", a.id()));
    assertThat(events.events()).extracting(Event::type).containsExactly(EventType.APPROVAL_REQUESTED,
        EventType.APPROVAL_STATE_CHANGED, EventType.APPROVAL_STATE_CHANGED);
    Event requested = events.events().get(0);
    assertThat(requested.subject()).isEqualTo("approvals/" + a.id());
    assertThat(requested.namespace()).isEqualTo("payments");
    assertThat(requested.data()).containsEntry("operation", "key.destroy").containsEntry("requester", "alice")
        .containsEntry("state", "pending").containsEntry("target", "keys/k/versions/1");
    assertThat(events.events().get(1).data()).containsEntry("previous_state", "pending")
        .containsEntry("state", "approved");
    assertThat(events.events().get(2).data()).containsEntry("previous_state", "approved")
        .containsEntry("state", "used");
  }

  @Test
  void anApprovalFromAnotherNamespaceOrOperation_isRefused() {
    policy(1, GuardedOperation.KEY_DESTROY, GuardedOperation.KEY_EXPORT);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    service.approve(a.id(), "bob", "tok_bob");
    GuardedRequest export = new GuardedRequest("payments", GuardedOperation.KEY_EXPORT, "keys/k", "export", "alice",
        "tok_alice", "fp", a.id());
    refused(() -> service.guard(export, () -> "x"), ErrorCode.FORBIDDEN);
    refused(() -> run(destroy("alice", "fp", "apr_missing")), ErrorCode.FORBIDDEN);
    assertThat(service.get(a.id()).state()).isEqualTo(ApprovalState.APPROVED);
  }

  @Test
  void failedWork_givesTheApprovalBack() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    service.approve(a.id(), "bob", "tok_bob");
    assertThatThrownBy(() -> service.guard(destroy("alice", "fp", a.id()), () -> {
      throw RekeyException.illegalState("the version is in use");
    })).hasMessageContaining("in use");
    assertThat(service.get(a.id()).state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(run(destroy("alice", "fp", a.id()))).isEqualTo("done-1");
  }

  @Test
  void anApproverRelatedToTheRequesterByTheTokensTheyHold_isRefused() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    issuers.put("tok_alter", java.util.Set.of("root", "alice")); // alice issued (through another token) an approver token
    refused(() -> service.approve(a.id(), "alter", "tok_alter"), ErrorCode.FORBIDDEN);
    issuers.put("tok_alice", java.util.Set.of("root", "boss")); // boss issued alice's token
    refused(() -> service.approve(a.id(), "boss", "tok_boss"), ErrorCode.FORBIDDEN);
    issuers.put("tok_bob", java.util.Set.of("root")); // a sibling: both issued by root
    assertThat(service.approve(a.id(), "bob", "tok_bob").state()).isEqualTo(ApprovalState.APPROVED);
  }

  @Test
  void anApproval_mustStillSatisfyThePolicy_whenItIsUsed() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    service.approve(a.id(), "bob", "tok_bob");
    policy(2, GuardedOperation.KEY_DESTROY); // tightened after the approval
    refused(() -> run(destroy("alice", "fp", a.id())), ErrorCode.ILLEGAL_STATE);
    Approval again = refusedWithApproval(destroy("alice", "fp", null));
    assertThat(again.id()).as("asking again makes a request under the new policy").isNotEqualTo(a.id());
    assertThat(again.requiredApprovals()).isEqualTo(2);
    service.putPolicy(new ApprovalPolicy("payments", Set.of(GuardedOperation.KEY_DESTROY), 1, Duration.ofMinutes(5),
        clock.instant(), "root"));
    clock.advance(Duration.ofMinutes(6)); // within the request's own hour, past the policy's new five minutes
    refused(() -> run(destroy("alice", "fp", a.id())), ErrorCode.ILLEGAL_STATE);
    assertThat(runs).hasValue(0);
  }

  @Test
  void aPendingRequestThatCanNoLongerBeUsed_isEndedWhenAskedAgain_andReplaced() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval loose = refusedWithApproval(destroy("alice", "fp", null));
    policy(2, GuardedOperation.KEY_DESTROY); // tightened while it was pending: it could never be used
    Approval strict = refusedWithApproval(destroy("alice", "fp", null));
    assertThat(strict.id()).isNotEqualTo(loose.id());
    assertThat(strict.requiredApprovals()).isEqualTo(2);
    Approval cancelled = service.get(loose.id());
    assertThat(cancelled.state()).isEqualTo(ApprovalState.CANCELLED);
    assertThat(cancelled.decidedBy()).isEqualTo("alice");

    clock.advance(Duration.ofHours(1)); // its time is up
    Approval fresh = refusedWithApproval(destroy("alice", "fp", null));
    assertThat(fresh.id()).isNotIn(loose.id(), strict.id());
    assertThat(repo.find(strict.id()).orElseThrow().state()).as("as stored").isEqualTo(ApprovalState.EXPIRED);
    assertThat(service.list("payments", ApprovalState.PENDING, null, 10)).extracting(Approval::id)
        .containsExactly(fresh.id());
    assertThat(events.events()).extracting(e -> e.type() + " " + e.data().get("state")).containsExactly(
        "APPROVAL_REQUESTED pending", "APPROVAL_STATE_CHANGED cancelled", "APPROVAL_REQUESTED pending",
        "APPROVAL_STATE_CHANGED expired", "APPROVAL_REQUESTED pending");
  }

  @Test
  void identicalRequestsAtOnce_allNameOnePendingApproval() throws Exception {
    policy(1, GuardedOperation.KEY_DESTROY);
    int threads = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<String>> named = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        named.add(pool.submit(() -> {
          start.await(10, java.util.concurrent.TimeUnit.SECONDS);
          return refusedWithApproval(destroy("alice", "fp", null)).id();
        }));
      }
      java.util.Set<String> ids = new java.util.HashSet<>();
      for (java.util.concurrent.Future<String> f : named) {
        ids.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(ids).hasSize(1);
      assertThat(service.list("payments", ApprovalState.PENDING, null, 10)).extracting(Approval::id)
          .containsExactlyElementsOf(ids);
      assertThat(events.events()).extracting(Event::type).containsExactly(EventType.APPROVAL_REQUESTED);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoApprovers_areNeededWhenThePolicySaysTwo() {
    policy(2, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    service.approve(a.id(), "bob", "tok_bob");
    refused(() -> run(destroy("alice", "fp", a.id())), ErrorCode.ILLEGAL_STATE);
    service.approve(a.id(), "carol", "tok_carol");
    assertThat(run(destroy("alice", "fp", a.id()))).isEqualTo("done-1");
  }

  @Test
  void requests_expire_andDeniedOrCancelledOnesCannotBeUsed() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval expiring = refusedWithApproval(destroy("alice", "fp1", null));
    Approval denied = refusedWithApproval(destroy("alice", "fp2", null));
    Approval cancelled = refusedWithApproval(destroy("alice", "fp3", null));
    service.deny(denied.id(), "bob");
    service.cancel(cancelled.id(), "alice");
    refused(() -> run(destroy("alice", "fp2", denied.id())), ErrorCode.ILLEGAL_STATE);
    refused(() -> run(destroy("alice", "fp3", cancelled.id())), ErrorCode.ILLEGAL_STATE);
    // a denied request asked again makes a new pending one
    assertThat(refusedWithApproval(destroy("alice", "fp2", null)).id()).isNotEqualTo(denied.id());

    clock.advance(Duration.ofHours(1));
    assertThat(service.get(expiring.id()).state()).isEqualTo(ApprovalState.EXPIRED);
    refused(() -> service.approve(expiring.id(), "bob", "tok_bob"), ErrorCode.ILLEGAL_STATE);
    assertThat(service.list("payments", ApprovalState.EXPIRED, null, 10)).extracting(Approval::id)
        .contains(expiring.id()).doesNotContain(denied.id());
    assertThat(service.list("payments", ApprovalState.PENDING, null, 10)).isEmpty();
  }

  @Test
  void policyChanges_areGuardedOnceANamespaceHasAPolicy() {
    GuardedRequest change = new GuardedRequest("payments", GuardedOperation.POLICY_CHANGE, "approval-policy", "set", "alice",
        "tok_alice",
        "fp", null);
    assertThat(service.guard(change, () -> "first").result()).isEqualTo("first");
    policy(1, GuardedOperation.KEY_EXPORT);
    refused(() -> service.guard(change, () -> "second"), ErrorCode.APPROVAL_REQUIRED);
  }

  @Test
  void page_filteredByStateAsOfNow_stillNamesTheNextPage() {
    service.putPolicy(new ApprovalPolicy("payments", Set.of(GuardedOperation.KEY_DESTROY), 1, Duration.ofDays(7),
        clock.instant(), "root"));
    Approval older = refusedWithApproval(destroy("alice", "a", null));
    clock.advance(Duration.ofSeconds(1));
    policy(1, GuardedOperation.KEY_DESTROY); // ttl one hour from here on
    refusedWithApproval(destroy("alice", "b", null));
    clock.advance(Duration.ofSeconds(1));
    refusedWithApproval(destroy("alice", "c", null));
    clock.advance(Duration.ofHours(2)); // b and c expired, the older one is still pending

    ApprovalService.Page first = service.page("payments", ApprovalState.PENDING, null, 2);
    assertThat(first.approvals()).isEmpty();
    assertThat(first.next()).as("more stored requests may be pending").isNotNull();
    ApprovalService.Page second = service.page("payments", ApprovalState.PENDING, first.next(), 2);
    assertThat(second.approvals()).extracting(Approval::id).containsExactly(older.id());
    assertThat(second.next()).isNull();
  }

  @Test
  void anApproval_isGivenBackWhenTheOperationRefuses_butNotWhenItsOutcomeIsUnknown() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval a = refusedWithApproval(destroy("alice", "fp", null));
    service.approve(a.id(), "bob", "tok_bob");
    refused(() -> service.guard(destroy("alice", "fp", a.id()), () -> {
      throw RekeyException.illegalState("version 1 is active");
    }), ErrorCode.ILLEGAL_STATE);
    assertThat(service.get(a.id()).state()).isEqualTo(ApprovalState.APPROVED);

    // a storage failure at commit may have committed: the approval must not run it again
    refused(() -> service.guard(destroy("alice", "fp", a.id()), () -> {
      throw new RekeyException(ErrorCode.INTERNAL, "storage failure while committing");
    }), ErrorCode.INTERNAL);
    assertThat(service.get(a.id()).state()).isEqualTo(ApprovalState.USED);

    Approval b = refusedWithApproval(destroy("alice", "fp2", null));
    service.approve(b.id(), "bob", "tok_bob");
    assertThatThrownBy(() -> service.guard(destroy("alice", "fp2", b.id()), () -> {
      throw new IllegalStateException("a bug after the write");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(service.get(b.id()).state()).isEqualTo(ApprovalState.USED);
  }

  @Test
  void list_isNewestFirst_andPages() {
    policy(1, GuardedOperation.KEY_DESTROY);
    Approval first = refusedWithApproval(destroy("alice", "a", null));
    clock.advance(Duration.ofSeconds(1));
    Approval second = refusedWithApproval(destroy("alice", "b", null));
    assertThat(service.list(null, null, null, 10)).extracting(Approval::id).containsExactly(second.id(), first.id());
    assertThat(service.list("payments", null, second.id(), 10)).extracting(Approval::id).containsExactly(first.id());
    assertThat(service.list("other", null, null, 10)).isEmpty();
    refused(() -> service.list(null, null, null, 0), ErrorCode.INVALID_REQUEST);
    refused(() -> service.get("apr_none"), ErrorCode.NOT_FOUND);
    refused(() -> service.deletePolicy("other"), ErrorCode.NOT_FOUND);
  }
}
