package dev.rekey.core.audit;

import static dev.rekey.core.audit.AuditFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.testing.InMemoryAuditRepository;
import dev.rekey.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AuditLogTest {
  private final InMemoryAuditRepository repo = new InMemoryAuditRepository();
  private final AuditSigningKey key = AuditSigningKey.generate();
  private final MutableClock clock = new MutableClock(AuditFixtures.T0);
  private AuditLog log;

  @AfterEach
  void closeLog() {
    repo.releaseAppends();
    if (log != null) {
      log.close();
    }
  }

  private AuditLog start(AuditLogConfig config) {
    log = AuditLog.start(repo, key, config, clock);
    return log;
  }

  private AuditVerification verify() {
    return new AuditVerifier(repo, key.publicKey()).verify();
  }

  private AuditCheckpoint lastCheckpoint() {
    List<AuditCheckpoint> all = repo.checkpoints();
    return all.get(all.size() - 1);
  }

  private static RekeyException failure(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      return (RekeyException) e.getCause();
    }
    throw new AssertionError("future completed normally");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(2);
    }
  }

  @Test
  void submit_oneEvent_completesWithDurableChainedRecord() {
    start(AuditLogConfig.DEFAULTS);
    AuditRecord r = log.submit(event(1)).join();

    assertThat(r.seq()).isEqualTo(1);
    assertThat(r.event()).isEqualTo(event(1));
    assertThat(r.prevHash()).isEqualTo(ChainHead.GENESIS_HASH);
    assertThat(repo.all()).containsExactly(r);
    assertThat(log.stats().recordsWritten()).isEqualTo(1);
    assertThat(log.stats().batchesWritten()).isEqualTo(1);
  }

  @Test
  void submit_appendFails_everyFutureOfTheBatchFailsWithAuditUnavailable() throws Exception {
    start(AuditLogConfig.DEFAULTS);
    CountDownLatch gate = repo.holdAppends();
    CompletableFuture<AuditRecord> first = log.submit(event(0));
    await(() -> log.stats().queueDepth() == 0);
    repo.failAppends(new IllegalStateException("disk full"));
    List<CompletableFuture<AuditRecord>> batch = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      batch.add(log.submit(event(i)));
    }
    gate.countDown();

    for (CompletableFuture<AuditRecord> f : batch) {
      RekeyException e = failure(f);
      assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
      assertThat(e.getMessage()).contains("refused").doesNotContain("disk full");
    }
    assertThat(failure(first).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
    assertThat(repo.size()).isZero();
    assertThat(log.stats().failedRecords()).isEqualTo(11);
    assertThat(log.stats().failedBatches()).isBetween(1L, 2L);
    assertThat(log.stats().recordsWritten()).isZero();
  }

  @Test
  void submit_afterAppendRecovers_chainContinuesAndVerifies() {
    start(AuditLogConfig.DEFAULTS);
    log.submit(event(1)).join();
    repo.failAppends(new IllegalStateException("connection lost"));
    assertThat(failure(log.submit(event(2))).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
    repo.failAppends(null);
    assertThat(log.submit(event(3)).join().seq()).isEqualTo(2);
    log.close();

    assertThat(verify()).isEqualTo(new AuditVerification(true, 2, 1, null, null, lastCheckpoint()));
  }

  @Test
  void submit_queueFull_rejectsAtOnceWithAuditUnavailable() throws Exception {
    start(AuditLogConfig.DEFAULTS.withQueueCapacity(4));
    CountDownLatch gate = repo.holdAppends();
    List<CompletableFuture<AuditRecord>> accepted = new ArrayList<>();
    accepted.add(log.submit(event(0)));
    await(() -> log.stats().queueDepth() == 0);
    for (int i = 1; i <= 4; i++) {
      accepted.add(log.submit(event(i)));
    }

    CompletableFuture<AuditRecord> rejected = log.submit(event(5));

    assertThat(rejected).isCompletedExceptionally();
    assertThat(failure(rejected).getMessage()).contains("queue is full");
    assertThat(failure(rejected).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
    assertThat(log.stats().rejected()).isEqualTo(1);
    gate.countDown();
    assertThat(accepted.stream().map(CompletableFuture::join).map(AuditRecord::seq)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void submit_16ThreadsX5000_contiguousSeqsAndValidChain() throws Exception {
    start(AuditLogConfig.DEFAULTS.withQueueCapacity(100_000));
    int threads = 16;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<CompletableFuture<AuditRecord>>>> submitted = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      submitted.add(pool.submit(() -> {
        go.await();
        List<CompletableFuture<AuditRecord>> mine = new ArrayList<>(perThread);
        for (int i = 0; i < perThread; i++) {
          mine.add(log.submit(event(base + i)));
        }
        return mine;
      }));
    }
    go.countDown();
    boolean[] seen = new boolean[threads * perThread + 1];
    for (int t = 0; t < threads; t++) {
      List<CompletableFuture<AuditRecord>> mine = submitted.get(t).get();
      long previousSeq = 0;
      for (int i = 0; i < perThread; i++) {
        AuditRecord r = mine.get(i).join();
        assertThat(r.event()).isEqualTo(event(t * perThread + i));
        assertThat(r.seq()).isGreaterThan(previousSeq);
        assertThat(seen[(int) r.seq()]).isFalse();
        seen[(int) r.seq()] = true;
        previousSeq = r.seq();
      }
    }
    pool.shutdown();
    log.close();

    assertThat(repo.size()).isEqualTo(threads * perThread);
    assertThat(repo.largestBatch()).isGreaterThan(1).isLessThanOrEqualTo(1_000);
    assertThat(log.stats().recordsWritten()).isEqualTo(threads * perThread);
    AuditVerification v = verify();
    assertThat(v.valid()).as(v.reason()).isTrue();
    assertThat(v.records()).isEqualTo(threads * perThread);
    assertThat(v.checkpoints()).isEqualTo(repo.checkpoints().size()).isGreaterThanOrEqualTo(80);
  }

  @Test
  void close_drainsEverythingSubmitted() throws Exception {
    start(AuditLogConfig.DEFAULTS.withMaxBatchSize(100));
    CountDownLatch gate = repo.holdAppends();
    List<CompletableFuture<AuditRecord>> futures = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      futures.add(log.submit(event(i)));
    }
    Thread closer = new Thread(log::close);
    closer.start();
    await(() -> closer.getState() == Thread.State.TIMED_WAITING);
    assertThat(log.submit(event(-1))).isCompletedExceptionally();
    gate.countDown();
    closer.join();

    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(repo.size()).isEqualTo(1_000);
    assertThat(repo.checkpoints()).last().extracting(AuditCheckpoint::seq).isEqualTo(1_000L);
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void submit_afterClose_rejectedWithAuditUnavailable() {
    start(AuditLogConfig.DEFAULTS);
    log.close();
    CompletableFuture<AuditRecord> f = log.submit(event(1));

    assertThat(failure(f).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
    assertThat(failure(f).getMessage()).contains("closed");
    assertThat(repo.size()).isZero();
    log.close();
  }

  @Test
  void close_unsignedRecords_writesFinalCheckpoint() {
    start(AuditLogConfig.DEFAULTS);
    for (int i = 1; i <= 5; i++) {
      log.submit(event(i)).join();
    }
    assertThat(repo.checkpoints()).isEmpty();
    log.close();

    assertThat(repo.checkpoints()).singleElement().satisfies(cp -> {
      assertThat(cp.seq()).isEqualTo(5);
      assertThat(cp.hash()).isEqualTo(repo.record(5).hash());
      assertThat(cp.keyId()).isEqualTo(key.keyId());
      assertThat(cp.at()).isEqualTo(AuditFixtures.T0);
    });
    assertThat(log.stats().checkpointsWritten()).isEqualTo(1);
  }

  @Test
  void writer_everyNRecords_writesCheckpoint() {
    start(AuditLogConfig.DEFAULTS.withMaxBatchSize(10).withCheckpointEveryRecords(100));
    List<CompletableFuture<AuditRecord>> futures = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      futures.add(log.submit(event(i)));
    }
    futures.forEach(CompletableFuture::join);
    log.close();

    List<AuditCheckpoint> cps = repo.checkpoints();
    assertThat(cps.size()).isBetween(10, 11);
    for (int i = 1; i < cps.size(); i++) {
      assertThat(cps.get(i).seq() - cps.get(i - 1).seq()).isBetween(1L, 109L);
    }
    assertThat(verify()).isEqualTo(new AuditVerification(true, 1_000, cps.size(), null, null, lastCheckpoint()));
  }

  @Test
  void writer_intervalPassedOnClock_writesCheckpoint() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointInterval(Duration.ofMillis(50)));
    clock.advance(Duration.ofMillis(10));
    log.submit(event(1)).join();
    log.submit(event(2)).join();
    Thread.sleep(150);
    assertThat(repo.checkpoints()).isEmpty();

    clock.advance(Duration.ofMillis(60));
    await(() -> !repo.checkpoints().isEmpty());
    assertThat(repo.checkpoints()).singleElement().extracting(AuditCheckpoint::seq).isEqualTo(2L);
  }

  @Test
  void writer_checkpointStoreFails_requestsStillSucceedAndCheckpointIsRetried() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(1));
    repo.failCheckpoints(new IllegalStateException("checkpoint table locked"));
    assertThat(log.submit(event(1)).join().seq()).isEqualTo(1);
    await(() -> log.stats().checkpointFailures() == 1);
    repo.failCheckpoints(null);
    log.submit(event(2)).join();
    log.close();

    assertThat(repo.checkpoints()).extracting(AuditCheckpoint::seq).containsExactly(2L);
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void start_unsignedTailFromEarlierRun_isSignedByFirstCheckpoint() {
    repo.append(List.of(event(1), event(2), event(3)), AuditChain.INSTANCE);
    start(AuditLogConfig.DEFAULTS);
    log.close();

    assertThat(repo.checkpoints()).extracting(AuditCheckpoint::seq).containsExactly(3L);
    assertThat(verify()).isEqualTo(new AuditVerification(true, 3, 1, null, null, lastCheckpoint()));
  }

  @Test
  void start_signingKeyNotAvailableYet_recordsWrittenAndCheckpointWaitsForKey() {
    java.util.concurrent.atomic.AtomicBoolean unsealed = new java.util.concurrent.atomic.AtomicBoolean();
    log = AuditLog.start(repo, () -> {
      if (!unsealed.get()) {
        throw RekeyException.sealed();
      }
      return key;
    }, AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2), clock);
    assertThat(log.submit(event(1)).join().seq()).isEqualTo(1);
    assertThat(log.submit(event(2)).join().seq()).isEqualTo(2);
    assertThat(log.toString()).contains("no signing key yet");
    assertThat(repo.checkpoints()).isEmpty();
    unsealed.set(true);
    log.submit(event(3)).join();
    log.close();

    // Once the key is there the postponed checkpoint (seq 2) may be signed before event 3 arrives,
    // depending on when the writer wakes; the tail must be signed in any case.
    List<Long> seqs = repo.checkpoints().stream().map(AuditCheckpoint::seq).toList();
    assertThat(seqs).isNotEmpty().isSubsetOf(2L, 3L).endsWith(3L);
    assertThat(verify()).isEqualTo(new AuditVerification(true, 3, seqs.size(), null, null, lastCheckpoint()));
  }

  // ---- what this log stored, which verify checks the trail still holds ----

  private AuditVerification verifyWithStoredCheckpoints() {
    return new AuditVerifier(repo, key.publicKey()).verify(log.storedCheckpoints().stream()
        .map(cp -> new AuditVerifier.Anchor(cp, "this server's checkpoint")).toList());
  }

  @Test
  void storedCheckpoints_areEmptyUntilTheFirstAndThenTheLastStored() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    assertThat(log.storedCheckpoints()).isEmpty();
    log.submit(event(1)).join();
    log.submit(event(2)).join();
    await(() -> log.stats().checkpointsWritten() == 1);
    log.submit(event(3)).join();
    log.submit(event(4)).join();
    await(() -> log.stats().checkpointsWritten() == 2);

    assertThat(log.storedCheckpoints()).containsExactly(lastCheckpoint());
    assertThat(lastCheckpoint().seq()).isEqualTo(4);
    assertThat(verifyWithStoredCheckpoints().valid()).isTrue();
    assertThat(log.stats().checkpointsMissing()).isZero();
  }

  @Test
  void writer_trailTruncatedUnderIt_verifyWithItsCheckpointsFindsIt() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    for (int i = 1; i <= 4; i++) {
      log.submit(event(i)).join();
    }
    await(() -> log.stats().checkpointsWritten() == 2);
    // cut back to the first checkpoint: a clean prefix as far as the database can tell
    repo.truncateAfter(2, true);
    repo.deleteCheckpointsAfter(2);
    assertThat(verify().valid()).isTrue();

    AuditVerification v = verifyWithStoredCheckpoints();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBrokenSeq()).isEqualTo(3);
    assertThat(v.reason()).contains("this server's checkpoint at seq 4", "deleted from the end");
  }

  @Test
  void writer_itsLastCheckpointDeleted_isFoundBeforeTheNextAndKeptForVerify() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    log.submit(event(1)).join();
    log.submit(event(2)).join();
    await(() -> log.stats().checkpointsWritten() == 1);
    AuditCheckpoint first = lastCheckpoint();
    repo.deleteCheckpoints();
    log.submit(event(3)).join();
    log.submit(event(4)).join();
    await(() -> log.stats().checkpointsWritten() == 2);

    // the next checkpoint signs the intact chain but does not hide the deletion
    assertThat(log.stats().checkpointsMissing()).isEqualTo(1);
    assertThat(log.storedCheckpoints()).containsExactly(first, lastCheckpoint());
    assertThat(verify().valid()).isTrue();
    AuditVerification v = verifyWithStoredCheckpoints();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBrokenSeq()).isEqualTo(2);
    assertThat(v.reason()).contains("this server's checkpoint at seq 2", "no longer among the trail's checkpoints");

    log.submit(event(5)).join();
    log.submit(event(6)).join();
    await(() -> log.stats().checkpointsWritten() == 3);
    assertThat(log.stats().checkpointsMissing()).isEqualTo(1);
    assertThat(log.storedCheckpoints()).containsExactly(first, lastCheckpoint());
  }

  @Test
  void writer_chainRewrittenAndCheckpointsDeleted_verifyWithItsCheckpointsFindsIt() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    for (int i = 1; i <= 4; i++) {
      log.submit(event(i)).join();
    }
    await(() -> log.stats().checkpointsWritten() == 2);
    repo.deleteCheckpoints();
    String prev = ChainHead.GENESIS_HASH;
    for (long seq = 1; seq <= 4; seq++) {
      AuditEvent e = seq == 1 ? event(999) : repo.record(seq).event();
      String hash = AuditChain.hash(prev, seq, e);
      repo.replace(seq, new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    repo.setHead(new ChainHead(4, prev));
    // the writer goes on and signs what it finds, but keeps the checkpoint that vanished
    log.submit(event(5)).join();
    log.submit(event(6)).join();
    await(() -> log.stats().checkpointsWritten() == 3);
    assertThat(verify().valid()).isTrue();

    AuditVerification v = verifyWithStoredCheckpoints();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBrokenSeq()).isEqualTo(1);
    assertThat(v.reason()).contains("record 4 does not match this server's checkpoint at seq 4");
  }

  @Test
  void writer_chainRewrittenUnderItsLastCheckpointWhileTheRowStays_isFoundBeforeTheNext() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    for (int i = 1; i <= 4; i++) {
      log.submit(event(i)).join();
    }
    await(() -> log.stats().checkpointsWritten() == 2);
    AuditCheckpoint atFour = lastCheckpoint();
    // rewrite records 1 to 4 consistently but leave the checkpoint rows as they were, so the
    // writer's next step still finds its last checkpoint stored "as it was"
    String prev = ChainHead.GENESIS_HASH;
    for (long seq = 1; seq <= 4; seq++) {
      AuditEvent e = seq == 1 ? event(999) : repo.record(seq).event();
      String hash = AuditChain.hash(prev, seq, e);
      repo.replace(seq, new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    repo.setHead(new ChainHead(4, prev));
    log.submit(event(5)).join();
    log.submit(event(6)).join();
    await(() -> log.stats().checkpointsWritten() == 3);
    // only after the writer signed the rewritten chain are the old rows deleted
    repo.deleteCheckpointsBefore(5);
    assertThat(verify().valid()).isTrue();

    assertThat(log.stats().checkpointsMissing()).isEqualTo(1);
    assertThat(log.storedCheckpoints()).contains(atFour);
    AuditVerification v = verifyWithStoredCheckpoints();
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).contains("record 4 does not match this server's checkpoint at seq 4");
  }

  @Test
  void writer_everyCheckpointFoundMissingIsKept_restoringTheFirstDoesNotHideALaterRewrite() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(2));
    log.submit(event(1)).join();
    log.submit(event(2)).join();
    await(() -> log.stats().checkpointsWritten() == 1);
    AuditCheckpoint atTwo = lastCheckpoint();
    // a decoy: delete the row until the writer has found it gone, then put it back as it was
    repo.deleteCheckpoints();
    log.submit(event(3)).join();
    log.submit(event(4)).join();
    await(() -> log.stats().checkpointsWritten() == 2);
    assertThat(log.stats().checkpointsMissing()).isEqualTo(1);
    repo.insertCheckpoint(atTwo);
    AuditCheckpoint atFour = lastCheckpoint();
    // then rewrite records 3 and 4 consistently and delete the checkpoint that signed them
    String prev = repo.record(2).hash();
    for (long seq = 3; seq <= 4; seq++) {
      AuditEvent e = seq == 3 ? event(999) : repo.record(seq).event();
      String hash = AuditChain.hash(prev, seq, e);
      repo.replace(seq, new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    repo.setHead(new ChainHead(4, prev));
    repo.deleteCheckpointsAfter(2);
    log.submit(event(5)).join();
    log.submit(event(6)).join();
    await(() -> log.stats().checkpointsWritten() == 3);
    assertThat(log.stats().checkpointsMissing()).isEqualTo(2);
    assertThat(verify().valid()).isTrue();

    assertThat(log.storedCheckpoints()).containsExactly(atTwo, atFour, lastCheckpoint());
    AuditVerification v = verifyWithStoredCheckpoints();
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).contains("record 4 does not match this server's checkpoint at seq 4");
  }

  @Test
  void writer_checkpointUnreadable_nothingSignedUntilItCanBeChecked() throws Exception {
    start(AuditLogConfig.DEFAULTS.withCheckpointEveryRecords(1));
    log.submit(event(1)).join();
    await(() -> log.stats().checkpointsWritten() == 1);
    repo.failReads(new IllegalStateException("disk busy"));
    log.submit(event(2)).join();
    await(() -> log.stats().checkpointFailures() >= 1);
    assertThat(repo.checkpoints()).hasSize(1);
    repo.failReads(null);
    log.submit(event(3)).join();
    await(() -> log.stats().checkpointsWritten() == 2);
    assertThat(log.stats().checkpointsMissing()).isZero();
    assertThat(verifyWithStoredCheckpoints().valid()).isTrue();
  }

  @Test
  void submit_subMicrosecondTime_recordCarriesNormalizedEvent() {
    start(AuditLogConfig.DEFAULTS);
    AuditEvent e = event(1);
    AuditEvent precise = new AuditEvent(e.time().plusNanos(789), e.requestId(), e.principal(), e.tokenId(), e.action(),
        e.namespace(), e.keyName(), e.version(), e.outcome(), e.errorCode(), e.clientAddress(), e.details());
    assertThat(log.submit(precise).join().event()).isEqualTo(e);
  }

  @Test
  void toString_showsNoKeyMaterial() {
    start(AuditLogConfig.DEFAULTS);
    assertThat(log.toString()).contains(key.keyId()).doesNotContain("private").hasSizeLessThan(120);
  }

}
