package dev.rekey.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.Transactions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher's own rules: batching, isolation of a failing unit, all-or-nothing commit, order and
 * acknowledgement after commit. Rollback on a real database is covered by the store's
 * GroupCommitContract (SQLite and PostgreSQL).
 */
class GroupCommitTest {
  private final CommitCountingTransactions transactions = new CommitCountingTransactions();
  private final GroupCommit group = GroupCommit.start(transactions, "test", 512, 10_000);

  @AfterEach
  void close() {
    group.close();
  }

  /** Outermost calls commit (or fail to, on demand); nested calls join, as JdbcTransactions does. */
  static final class CommitCountingTransactions implements Transactions {
    final AtomicInteger commits = new AtomicInteger();
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    /** The commit of the next batch of this many writes fails. */
    volatile int failCommitOfBatchSize = -1;
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private int nestedInThisTransaction;

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      int[] d = depth.get();
      if (d[0] > 0) {
        d[0]++;
        nestedInThisTransaction++;
        try {
          return work.get();
        } finally {
          d[0]--;
        }
      }
      d[0] = 1;
      nestedInThisTransaction = 0;
      try {
        T result = work.get();
        if (nestedInThisTransaction == failCommitOfBatchSize) {
          failCommitOfBatchSize = -1;
          throw new RekeyException(ErrorCode.INTERNAL, "storage failure while committing (disk full)");
        }
        batchSizes.add(nestedInThisTransaction);
        commits.incrementAndGet();
        return result;
      } finally {
        d[0] = 0;
      }
    }

    @Override
    public boolean active() {
      return depth.get()[0] > 0;
    }
  }

  /** Holds the writer in a first batch until released, so the next submissions form one batch. */
  private CountDownLatch holdWriter() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    group.submit(() -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "gate";
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void manyThreads_everyCallerGetsItsOwnResult_inFewerCommitsThanWrites() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(32);
    try {
      List<CompletableFuture<CompletableFuture<Integer>>> submitted = new ArrayList<>();
      for (int i = 0; i < 3_200; i++) {
        int n = i;
        submitted.add(CompletableFuture.supplyAsync(() -> group.submit(() -> n * 2), callers));
      }
      for (int i = 0; i < submitted.size(); i++) {
        assertThat(submitted.get(i).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo(i * 2);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(transactions.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3_200);
    assertThat(transactions.commits.get()).isLessThanOrEqualTo(3_200);
  }

  @Test
  void queuedWrites_commitTogether_inOneTransaction() throws Exception {
    CountDownLatch release = holdWriter();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      futures.add(group.submit(() -> n));
    }
    release.countDown();
    for (int i = 0; i < 100; i++) {
      assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
    }
    assertThat(transactions.batchSizes).containsExactly(1, 100);
    assertThat(group.batches()).isEqualTo(2);
    assertThat(group.units()).isEqualTo(101);
  }

  @Test
  void failingWrite_failsAlone_othersCommit() throws Exception {
    CountDownLatch release = holdWriter();
    CompletableFuture<String> before = group.submit(() -> "a");
    CompletableFuture<String> failing = group.submit(() -> {
      throw RekeyException.concurrentModification("check-and-set failed");
    });
    CompletableFuture<String> after = group.submit(() -> "c");
    release.countDown();

    assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("a");
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("c");
    assertThatThrownBy(failing::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(transactions.batchSizes).containsExactly(1, 3);
  }

  @Test
  void commitFailure_failsEveryWriteOfTheBatch_andRunsNoAfterCommit() throws Exception {
    CountDownLatch release = holdWriter();
    List<String> published = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> ok1 = group.submit(() -> "a", published::add);
    CompletableFuture<String> invalid = group.submit(() -> {
      throw RekeyException.invalid("a secret needs a value");
    }, published::add);
    CompletableFuture<String> ok2 = group.submit(() -> "c", published::add);
    transactions.failCommitOfBatchSize = 3;
    release.countDown();

    for (CompletableFuture<String> f : List.of(ok1, ok2)) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(RekeyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).contains("not stored");
          });
    }
    assertThatThrownBy(invalid::join).cause().isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(published).isEmpty();
    // the next batch commits again
    assertThat(group.submit(() -> "d").get(10, TimeUnit.SECONDS)).isEqualTo("d");
  }

  @Test
  void writesRunInSubmissionOrder_andAreAcknowledgedOnlyAfterTheirCommit() throws Exception {
    CountDownLatch release = holdWriter();
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Integer> published = Collections.synchronizedList(new ArrayList<>());
    List<Integer> commitsSeenAtAcknowledgement = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      CompletableFuture<Integer> f = group.submit(() -> {
        ran.add(n);
        assertThat(transactions.active()).isTrue();
        return n;
      }, published::add);
      futures.add(f);
      f.thenRun(() -> commitsSeenAtAcknowledgement.add(transactions.commits.get()));
    }
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    release.countDown();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add(i);
    }
    assertThat(ran).isEqualTo(expected);
    assertThat(published).isEqualTo(expected);
    assertThat(commitsSeenAtAcknowledgement).hasSize(50).allMatch(c -> c == 2);
  }

  @Test
  void close_commitsWhatIsQueued_thenRefusesNewWrites() throws Exception {
    CountDownLatch release = holdWriter();
    CompletableFuture<String> queued = group.submit(() -> "queued");
    Thread closer = new Thread(group::close);
    closer.start();
    release.countDown();
    closer.join(10_000);

    assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
    assertThatThrownBy(() -> group.submit(() -> "late").join()).cause()
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.getMessage()).contains("nothing was stored"));
  }
}
