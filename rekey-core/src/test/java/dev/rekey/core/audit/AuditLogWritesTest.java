package dev.rekey.core.audit;

import static dev.rekey.core.audit.AuditFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemoryAuditRepository;
import dev.rekey.core.testing.MutableClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AuditLog#submitWrite}: a write and its request's audit record commit together, a write
 * that fails rolls back alone with a record saying so, and nothing is acknowledged before its
 * batch committed. Savepoints are modelled by {@link JournalTransactions}; the store's own
 * rollback is covered on SQLite and PostgreSQL by the store's audit and secret tests.
 */
@Timeout(60)
class AuditLogWritesTest {
  private final InMemoryAuditRepository repo = new InMemoryAuditRepository();
  private final JournalTransactions tx = new JournalTransactions();
  private final AuditSigningKey key = AuditSigningKey.generate();
  private final AuditLog log = AuditLog.start(repo, tx, () -> key, AuditLogConfig.DEFAULTS,
      new MutableClock(AuditFixtures.T0));

  @AfterEach
  void close() {
    repo.releaseAppends();
    log.close();
  }

  /**
   * Transactions over an in-memory journal of effects: a nested call that throws removes what it
   * added (a savepoint), an outermost one that throws removes everything of the transaction.
   */
  static final class JournalTransactions implements Transactions {
    final List<String> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<String> open = new ArrayList<>();
    private int depth;

    void effect(String e) {
      if (depth == 0) {
        throw new IllegalStateException("an effect outside a transaction");
      }
      open.add(e);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      int mark = open.size();
      depth++;
      try {
        T result = work.get();
        if (depth == 1) {
          committed.addAll(open);
          open.clear();
        }
        return result;
      } catch (RuntimeException | Error e) {
        open.subList(mark, open.size()).clear();
        throw e;
      } finally {
        depth--;
      }
    }

    @Override
    public boolean active() {
      return depth > 0;
    }
  }

  private CompletableFuture<Audited<String>> write(String effect, int n) {
    return log.submitWrite(() -> {
      tx.effect(effect);
      return effect;
    }, r -> { }, (r, failure) -> failure == null ? event(n)
        : new AuditEvent(event(n).time(), "req-" + n, "alice", "tok-1", "secret.write", "payments", "db", 0,
            "failed", ((RekeyException) failure).code().wire(), "10.0.0.1", null));
  }

  /** Holds the writer inside a first batch, so what is submitted next forms one batch. */
  private CountDownLatch holdWriter() throws InterruptedException {
    CountDownLatch gate = repo.holdAppends();
    CompletableFuture<AuditRecord> first = log.submit(event(0));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (log.stats().queueDepth() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(2); // the writer took the first record and waits in its append
    }
    assertThat(first).isNotDone();
    return gate;
  }

  @Test
  void writesAndPlainRecords_commitInOneBatch_inSubmissionOrder() throws Exception {
    CountDownLatch gate = holdWriter();
    List<String> published = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Audited<String>> a = log.submitWrite(() -> {
      tx.effect("a");
      return "a";
    }, published::add, (r, f) -> event(1));
    CompletableFuture<AuditRecord> plain = log.submit(event(2));
    CompletableFuture<Audited<String>> b = write("b", 3);
    assertThat(a).isNotDone();
    gate.countDown();
    repo.releaseAppends();

    assertThat(a.get().value()).isEqualTo("a");
    assertThat(a.get().failure()).isNull();
    assertThat(b.get().value()).isEqualTo("b");
    assertThat(plain.get().event()).isEqualTo(event(2));
    assertThat(published).containsExactly("a");
    assertThat(tx.committed).containsExactly("a", "b");
    assertThat(repo.all()).extracting(r -> r.event().requestId()).containsExactly("req-0", "req-1", "req-2", "req-3");
    assertThat(repo.appendCalls()).isEqualTo(2); // the held first record, then everything else at once
    assertThat(new AuditVerifier(repo, key.publicKey()).verify().valid()).isTrue();
  }

  @Test
  void aFailingWrite_rollsBackAlone_andItsRecordSaysSo() throws Exception {
    CountDownLatch gate = holdWriter();
    CompletableFuture<Audited<String>> ok = write("ok", 1);
    CompletableFuture<Audited<String>> refused = log.submitWrite(() -> {
      tx.effect("half-written");
      throw RekeyException.concurrentModification("check-and-set failed");
    }, r -> { throw new AssertionError("no after-commit for a refused write"); }, (r, failure) -> {
      assertThat(r).isNull();
      return new AuditEvent(AuditFixtures.T0, "req-2", "alice", "tok-1", "secret.write", "payments", "db", 0,
          "failed", ((RekeyException) failure).code().wire(), "10.0.0.1", null);
    });
    CompletableFuture<Audited<String>> after = write("after", 3);
    gate.countDown();
    repo.releaseAppends();

    Audited<String> outcome = refused.get(); // completes normally: the refusal is audited and durable
    assertThat(outcome.value()).isNull();
    assertThat(outcome.failure()).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(ok.get().value()).isEqualTo("ok");
    assertThat(after.get().value()).isEqualTo("after");
    assertThat(tx.committed).containsExactly("ok", "after");
    AuditRecord record = repo.all().stream().filter(r -> r.event().requestId().equals("req-2")).findFirst().orElseThrow();
    assertThat(record.event().outcome()).isEqualTo("failed");
    assertThat(record.event().errorCode()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION.wire());
  }

  @Test
  void aWriteWithoutARecord_isRolledBackAndRefused_othersCommit() throws Exception {
    CountDownLatch gate = holdWriter();
    CompletableFuture<Audited<String>> noRecord = log.submitWrite(() -> {
      tx.effect("unaudited");
      return "unaudited";
    }, r -> { }, (r, failure) -> {
      throw new IllegalStateException("cannot describe the request");
    });
    CompletableFuture<Audited<String>> ok = write("ok", 2);
    gate.countDown();
    repo.releaseAppends();

    assertThat(ok.get().value()).isEqualTo("ok");
    assertThatThrownBy(noRecord::join).isInstanceOf(CompletionException.class).cause()
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE));
    assertThat(tx.committed).containsExactly("ok");
    assertThat(repo.all()).hasSize(2);
  }

  @Test
  void aBatchThatCannotCommit_storesNothing_andRefusesEveryWrite() throws Exception {
    CountDownLatch gate = holdWriter();
    List<String> published = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Audited<String>> a = log.submitWrite(() -> {
      tx.effect("a");
      return "a";
    }, published::add, (r, f) -> event(1));
    CompletableFuture<Audited<String>> b = write("b", 2);
    repo.failAppends(new IllegalStateException("disk full"));
    gate.countDown();
    repo.releaseAppends();

    for (CompletableFuture<Audited<String>> f : List.of(a, b)) {
      assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE));
    }
    assertThat(published).isEmpty();
    assertThat(tx.committed).isEmpty();

    repo.failAppends(null);
    assertThat(write("c", 3).get().value()).isEqualTo("c");
    assertThat(tx.committed).containsExactly("c");
  }

  @Test
  void withoutTransactions_orClosed_writesAreRefused() {
    AuditLog plain = AuditLog.start(repo, key, AuditLogConfig.DEFAULTS, new MutableClock(AuditFixtures.T0));
    try {
      assertThatThrownBy(() -> plain.submitWrite(() -> "x", r -> { }, (r, f) -> event(1)))
          .isInstanceOf(IllegalStateException.class);
    } finally {
      plain.close();
    }
    log.close();
    assertThatThrownBy(() -> write("late", 1).join()).cause().isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE));
    assertThat(tx.committed).isEmpty();
  }
}
