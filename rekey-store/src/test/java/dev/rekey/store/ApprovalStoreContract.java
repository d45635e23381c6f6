package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalState;
import dev.rekey.core.approval.ApprovalRequiredException;
import dev.rekey.core.approval.ApprovalService;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.ApprovalRepository;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Approval requests and policies, run on every dialect. */
abstract class ApprovalStoreContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00.123456789Z");
  private static final ApprovalPolicy POLICY = new ApprovalPolicy("payments",
      Set.of(GuardedOperation.KEY_DESTROY, GuardedOperation.KEY_EXPORT), 2, Duration.ofHours(4), T, "root");

  private static Approval request(String id, String namespace, String fingerprint) {
    return Approval.request(id, namespace, GuardedOperation.KEY_DESTROY, "keys/k/versions/3",
        "schedule-destroy of version 3", "alice", "tok_alice", fingerprint,
        POLICY, T);
  }

  @Test
  void approval_roundTripsEveryField_andUpdatesOnlyOverItsRevision() {
    Approval a = request("apr_1", "payments", "fp");
    store.approvals().insertPending(a);
    assertThat(store.approvals().find("apr_1")).contains(a);
    assertThatThrownBy(() -> store.approvals().insertPending(a)).isInstanceOf(RekeyException.class);

    Approval once = a.approve("bob", T.plusSeconds(1));
    assertThat(store.approvals().update(once)).isTrue();
    // a second approver who read the same revision loses the race, and changes nothing
    assertThat(store.approvals().update(a.approve("carol", T.plusSeconds(1)))).isFalse();
    Approval twice = once.approve("carol", T.plusSeconds(2));
    assertThat(store.approvals().update(twice)).isTrue();
    Approval read = store.approvals().find("apr_1").orElseThrow();
    assertThat(read).isEqualTo(twice);
    assertThat(read.state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(read.approvers()).containsExactly("bob", "carol");

    Approval denied = request("apr_2", "payments", "fp2").deny("bob", T.plusSeconds(3));
    store.approvals().insertPending(request("apr_2", "payments", "fp2"));
    assertThat(store.approvals().update(denied)).isTrue();
    assertThat(store.approvals().find("apr_2").orElseThrow().decidedBy()).isEqualTo("bob");
    assertThat(store.approvals().find("apr_none")).isEmpty();
  }

  @Test
  void findByRequest_andList_filterAndPageNewestFirst() {
    Approval first = request("apr_1", "payments", "fp");
    store.approvals().insertPending(first);
    assertThat(store.approvals().update(first.cancel("alice", T.plusSeconds(1)))).isTrue();
    store.approvals().insertPending(request("apr_2", "payments", "fp"));
    store.approvals().insertPending(request("apr_3", "billing", "fp"));
    assertThat(store.approvals().findByRequest("payments", "alice", "fp", ApprovalState.PENDING))
        .map(Approval::id).contains("apr_2");
    assertThat(store.approvals().findByRequest("payments", "alice", "fp", ApprovalState.CANCELLED))
        .map(Approval::id).contains("apr_1");
    assertThat(store.approvals().findByRequest("payments", "alice", "fp", ApprovalState.APPROVED)).isEmpty();
    assertThat(store.approvals().findByRequest("payments", "bob", "fp", ApprovalState.PENDING)).isEmpty();

    assertThat(store.approvals().list(null, null, null, 10)).extracting(Approval::id)
        .containsExactly("apr_3", "apr_2", "apr_1");
    assertThat(store.approvals().list("payments", null, null, 1)).extracting(Approval::id).containsExactly("apr_2");
    assertThat(store.approvals().list("payments", null, "apr_2", 10)).extracting(Approval::id).containsExactly("apr_1");
    assertThat(store.approvals().list(null, ApprovalState.APPROVED, null, 10)).isEmpty();
  }

  @Test
  void insertPending_sameRequestTwice_storesOnePending_andReturnsIt() {
    Approval first = request("apr_1", "payments", "fp");
    assertThat(store.approvals().insertPending(first)).isEqualTo(first);
    // the same request again (another id): nothing stored, the pending one returned
    assertThat(store.approvals().insertPending(request("apr_2", "payments", "fp"))).isEqualTo(first);
    assertThat(store.approvals().find("apr_2")).isEmpty();
    // another namespace, fingerprint or requester is another request
    assertThat(store.approvals().insertPending(request("apr_3", "billing", "fp")).id()).isEqualTo("apr_3");
    assertThat(store.approvals().insertPending(request("apr_4", "payments", "fp2")).id()).isEqualTo("apr_4");
    Approval bobs = Approval.request("apr_5", "payments", GuardedOperation.KEY_DESTROY, "keys/k/versions/3",
        "schedule-destroy of version 3", "bob", "tok_bob", "fp", POLICY, T);
    assertThat(store.approvals().insertPending(bobs)).isEqualTo(bobs);
    assertThat(store.approvals().list("payments", ApprovalState.PENDING, null, 10)).extracting(Approval::id)
        .containsExactly("apr_5", "apr_4", "apr_1");

    // once the pending one has moved on (denied here), the same request may be pending again
    assertThat(store.approvals().update(first.deny("bob", T.plusSeconds(1)))).isTrue();
    assertThat(store.approvals().insertPending(request("apr_6", "payments", "fp")).id()).isEqualTo("apr_6");
    assertThat(store.approvals().insertPending(request("apr_7", "payments", "fp")).id()).isEqualTo("apr_6");
  }

  @Test
  void insertPending_fromManyThreadsOnTwoNodesAtOnce_storesOnePendingRequest() throws Exception {
    Store other = open(config);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        String fingerprint = "fp-" + round;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Approval>> inserted = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Store node = i % 2 == 0 ? store : other;
          boolean inTransaction = i % 4 < 2; // as the service inserts: in a transaction, with its event
          Approval a = request("apr_" + round + "_" + i, "payments", fingerprint);
          inserted.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return inTransaction ? node.transactions().inTransaction(() -> node.approvals().insertPending(a))
                : node.approvals().insertPending(a);
          }));
        }
        List<Approval> returned = new ArrayList<>();
        for (Future<Approval> f : inserted) {
          returned.add(f.get(60, TimeUnit.SECONDS));
        }
        List<Approval> pending = store.approvals().list("payments", ApprovalState.PENDING, null, 100).stream()
            .filter(a -> a.fingerprint().equals(fingerprint)).toList();
        assertThat(pending).as("pending requests in round " + round).hasSize(1);
        assertThat(returned).as("what each insert returned in round " + round).containsOnly(pending.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void guard_identicalRequestsOnTwoNodesAtOnce_allNameOnePendingApproval_withOneEvent() throws Exception {
    Clock clock = Clock.systemUTC();
    store.approvals().putPolicy(new ApprovalPolicy("payments", Set.of(GuardedOperation.KEY_DESTROY), 1,
        Duration.ofHours(1), clock.instant(), "root"));
    Store other = open(config);
    List<ApprovalService> nodes = List.of(service(store, clock), service(other, clock));
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<String>> named = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        ApprovalService node = nodes.get(i % 2);
        named.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          try {
            node.guard(new ApprovalService.GuardedRequest("payments", GuardedOperation.KEY_DESTROY,
                "keys/k/versions/1", "schedule-destroy", "alice", "tok_alice", "fp", null), () -> "ran");
          } catch (ApprovalRequiredException e) {
            return e.approval().id();
          }
          throw new AssertionError("the guarded request ran without an approval");
        }));
      }
      Set<String> ids = new HashSet<>();
      for (Future<String> f : named) {
        ids.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(ids).hasSize(1);
      assertThat(store.approvals().list("payments", ApprovalState.PENDING, null, 100)).extracting(Approval::id)
          .containsExactlyElementsOf(ids);
      assertThat(store.events().after(0, 100)).extracting(e -> e.event().type())
          .containsExactly(EventType.APPROVAL_REQUESTED);
    } finally {
      pool.shutdownNow();
    }
  }

  private static ApprovalService service(Store node, Clock clock) {
    return new ApprovalService(node.approvals(), node.transactions(), node.events(), token -> Set.of(), clock);
  }

  /**
   * V23 on a database an older Rekey wrote, holding several pending requests for one request: the
   * newest stays pending; the older ones end as the server ends a replaced one (expired when their
   * time is up, otherwise cancelled on behalf of their requester); other rows are left as they were.
   */
  @Test
  void v23_onDuplicatePendingRequests_keepsTheNewestPending_andEndsTheOthers() throws Exception {
    Instant now = Instant.now();
    ApprovalPolicy policy = new ApprovalPolicy("payments", Set.of(GuardedOperation.KEY_DESTROY), 1,
        Duration.ofHours(4), now, "root");
    Instant longAgo = now.minus(Duration.ofHours(6));
    Approval denied = requestAt("apr_0", "dup", policy, longAgo).deny("bob", longAgo.plusSeconds(60));
    Approval expired = requestAt("apr_1", "dup", policy, now.minus(Duration.ofHours(5)));
    Approval older = requestAt("apr_2", "dup", policy, now.minus(Duration.ofHours(1)));
    Approval newest = requestAt("apr_3", "dup", policy, now.minus(Duration.ofMinutes(30)));
    Approval alone = requestAt("apr_4", "alone", policy, now.minus(Duration.ofHours(2)));
    StoreConfig old = newDatabase(tempDir.resolve("old"));
    Files.createDirectories(tempDir.resolve("old").resolve("data"));
    try (Connection c = DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password())) {
      OldSchema.migrateBelow(c, old.dialect(), 23);
      for (Approval a : List.of(denied, expired, older, newest, alone)) {
        assertThat(JdbcApprovalRepository.insertRow(c, a)).isTrue();
      }
    }

    Store migrated = open(old);
    ApprovalRepository approvals = migrated.approvals();
    assertThat(approvals.find("apr_0")).contains(denied);
    assertThat(approvals.find("apr_3")).contains(newest);
    assertThat(approvals.find("apr_4")).contains(alone);
    Approval ended = approvals.find("apr_1").orElseThrow();
    assertThat(ended.state()).isEqualTo(ApprovalState.EXPIRED);
    assertThat(ended.decidedBy()).isNull();
    assertThat(ended.revision()).isEqualTo(1);
    Approval cancelled = approvals.find("apr_2").orElseThrow();
    assertThat(cancelled.state()).isEqualTo(ApprovalState.CANCELLED);
    assertThat(cancelled.decidedBy()).isEqualTo("alice");
    assertThat(cancelled.revision()).isEqualTo(1);
    assertThat(cancelled.updatedAt()).isAfter(older.updatedAt());
    // and the index holds from now on
    assertThat(approvals.insertPending(requestAt("apr_5", "dup", policy, now))).isEqualTo(newest);
  }

  private static Approval requestAt(String id, String fingerprint, ApprovalPolicy policy, Instant at) {
    return Approval.request(id, "payments", GuardedOperation.KEY_DESTROY, "keys/k/versions/3",
        "schedule-destroy of version 3", "alice", "tok_alice", fingerprint, policy, at);
  }

  @Test
  void policy_isCreatedReplacedAndRemoved() {
    assertThat(store.approvals().policy("payments")).isEmpty();
    store.approvals().putPolicy(POLICY);
    assertThat(store.approvals().policy("payments")).contains(POLICY);
    ApprovalPolicy narrower = new ApprovalPolicy("payments", Set.of(GuardedOperation.SECRET_DESTROY), 1,
        Duration.ofMinutes(30), T.plusSeconds(9), null);
    store.approvals().putPolicy(narrower);
    assertThat(store.approvals().policy("payments")).contains(narrower);
    assertThat(store.approvals().policy("billing")).isEmpty();
    assertThat(store.approvals().deletePolicy("payments")).isTrue();
    assertThat(store.approvals().deletePolicy("payments")).isFalse();
    assertThat(store.approvals().policy("payments")).isEmpty();
  }
}
