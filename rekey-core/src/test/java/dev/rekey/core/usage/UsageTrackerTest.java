package dev.rekey.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.testing.InMemoryUsageRepository;
import dev.rekey.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UsageTrackerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final UsageCounter counter = new UsageCounter(clock);
  private final InMemoryUsageRepository repo = new InMemoryUsageRepository();
  private final UsageTracker tracker = new UsageTracker(counter, repo);

  private long stored(String key, int version, Operation op) {
    return repo.forKey("ns", key).stream().filter(c -> c.version() == version && c.operation() == op)
        .mapToLong(UsageCount::count).sum();
  }

  private long shown(String key, int version, Operation op) {
    return tracker.forKey("ns", key).stream().filter(c -> c.version() == version && c.operation() == op)
        .mapToLong(UsageCount::count).sum();
  }

  @Test
  void flush_nothingCounted_writesNothing() {
    assertThat(tracker.flush()).isZero();
    assertThat(repo.adds()).isZero();
  }

  @Test
  void flush_nothingChangedSinceLastFlush_writesNothing() {
    counter.forKey("ns", "k").record(1, Operation.ENCRYPT);
    assertThat(tracker.flush()).isEqualTo(1);
    assertThat(tracker.flush()).isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(tracker.flush()).isZero();
    assertThat(repo.adds()).isEqualTo(1);
  }

  @Test
  void flush_writesOnlyDeltas_storedTotalsExact() {
    KeyUsage k = counter.forKey("ns", "k");
    for (int i = 0; i < 5; i++) {
      k.record(1, Operation.ENCRYPT);
    }
    k.record(2, Operation.DECRYPT);
    tracker.flush();
    for (int i = 0; i < 3; i++) {
      k.record(1, Operation.ENCRYPT);
    }
    assertThat(tracker.flush()).isEqualTo(1);
    assertThat(stored("k", 1, Operation.ENCRYPT)).isEqualTo(8);
    assertThat(stored("k", 2, Operation.DECRYPT)).isEqualTo(1);
    assertThat(repo.adds()).isEqualTo(2);
  }

  @Test
  void flush_failsThenRetried_noDeltaLostOrDoubleCounted() {
    KeyUsage k = counter.forKey("ns", "k");
    for (int i = 0; i < 10; i++) {
      k.record(1, Operation.ENCRYPT);
    }
    tracker.flush();
    for (int i = 0; i < 7; i++) {
      k.record(1, Operation.ENCRYPT);
    }
    repo.failNextAdds(2);
    assertThatThrownBy(tracker::flush).hasMessageContaining("storage unavailable");
    k.record(1, Operation.ENCRYPT);
    assertThatThrownBy(tracker::flush).hasMessageContaining("storage unavailable");
    assertThat(stored("k", 1, Operation.ENCRYPT)).isEqualTo(10);
    // while the deltas are pending, reads still see them exactly once
    assertThat(shown("k", 1, Operation.ENCRYPT)).isEqualTo(18);
    assertThat(tracker.flush()).isEqualTo(1);
    assertThat(stored("k", 1, Operation.ENCRYPT)).isEqualTo(18);
    assertThat(shown("k", 1, Operation.ENCRYPT)).isEqualTo(18);
    assertThat(tracker.flush()).isZero();
  }

  @Test
  void lastUsed_isCoarse_updatedAtMostOncePerSecond() {
    KeyUsage k = counter.forKey("ns", "k");
    k.record(1, Operation.DECRYPT);
    clock.advance(Duration.ofMillis(400));
    k.record(1, Operation.DECRYPT);
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0);
    clock.advance(Duration.ofMillis(700));
    k.record(1, Operation.DECRYPT);
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0.plusMillis(1100));
    assertThat(tracker.lastUsedAt("ns", "k", 2)).isEmpty();
    assertThat(tracker.lastUsedAt("ns", "other", 1)).isEmpty();
  }

  @Test
  void lastUsed_whileTicking_isTheLastTicksTime() {
    counter.tick();
    clock.advance(Duration.ofMillis(900));
    KeyUsage k = counter.forKey("ns", "k");
    k.record(1, Operation.ENCRYPT);
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0);
    clock.advance(Duration.ofSeconds(5));
    k.record(1, Operation.ENCRYPT);
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0);
    counter.tick();
    k.record(1, Operation.ENCRYPT);
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0.plusMillis(5900));
  }

  @Test
  void lastUsed_storedByOtherNodeLater_laterTimeWins() {
    counter.forKey("ns", "k").record(1, Operation.SIGN);
    tracker.flush();
    UsageTracker otherNode = new UsageTracker(new UsageCounter(clock), repo);
    clock.advance(Duration.ofHours(1));
    otherNode.counter().forKey("ns", "k").record(1, Operation.VERIFY);
    otherNode.flush();
    assertThat(tracker.lastUsedAt("ns", "k", 1)).contains(T0.plus(Duration.ofHours(1)));
    assertThat(shown("k", 1, Operation.SIGN)).isEqualTo(1);
    assertThat(shown("k", 1, Operation.VERIFY)).isEqualTo(1);
  }

  @Test
  void lastUsed_onlyTimeChanged_isFlushed() {
    KeyUsage k = counter.forKey("ns", "k");
    k.record(1, Operation.ENCRYPT);
    tracker.flush();
    clock.advance(Duration.ofSeconds(5));
    k.record(1, Operation.ENCRYPT);
    tracker.flush();
    assertThat(repo.forKey("ns", "k").get(0).lastUsedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(stored("k", 1, Operation.ENCRYPT)).isEqualTo(2);
  }

  @Test
  void record_manyThreads_exactTotals() throws Exception {
    int threads = 8;
    int perThread = 100_000;
    runConcurrently(threads, t -> {
      KeyUsage k = counter.forKey("ns", "k" + (t % 2));
      for (int i = 0; i < perThread; i++) {
        k.record(1 + i % 3, Operation.of(i % Operation.count()));
      }
    }, null);
    long total = counter.totals().stream().mapToLong(UsageCount::count).sum();
    assertThat(total).isEqualTo((long) threads * perThread);
    // each thread spreads its records evenly over 3 versions x 8 operations (100,000 = 24 x 4,166 + 16)
    long v1Encrypt = counter.totals().stream()
        .filter(c -> c.key().equals("k0") && c.version() == 1 && c.operation() == Operation.ENCRYPT)
        .mapToLong(UsageCount::count).sum();
    long expectedPerThread = java.util.stream.IntStream.range(0, perThread)
        .filter(i -> 1 + i % 3 == 1 && i % Operation.count() == 0).count();
    assertThat(v1Encrypt).isEqualTo(expectedPerThread * (threads / 2));
  }

  @Test
  void flush_concurrentWithRecording_storedTotalsExact() throws Exception {
    int threads = 4;
    int perThread = 200_000;
    AtomicBoolean done = new AtomicBoolean();
    List<Integer> written = new ArrayList<>();
    runConcurrently(threads, t -> {
      KeyUsage k = counter.forKey("ns", "k");
      for (int i = 0; i < perThread; i++) {
        k.record(1 + (i & 1), i % 3 == 0 ? Operation.DECRYPT : Operation.ENCRYPT);
      }
    }, () -> {
      int failuresInjected = 0;
      while (!done.get()) {
        if (failuresInjected++ % 5 == 0) {
          repo.failNextAdds(1);
        }
        try {
          written.add(tracker.flush());
        } catch (IllegalStateException expected) {
          // retried by the next round
        }
      }
    }, done);
    // a failure injected just before the flusher stopped may still be pending: the store is back now
    repo.failNextAdds(0);
    tracker.flush();
    long stored = repo.forKey("ns", "k").stream().mapToLong(UsageCount::count).sum();
    assertThat(stored).isEqualTo((long) threads * perThread);
    assertThat(written).isNotEmpty();
  }

  private interface Worker {
    void run(int thread);
  }

  private static void runConcurrently(int threads, Worker worker, Runnable alongside) throws Exception {
    runConcurrently(threads, worker, alongside, new AtomicBoolean());
  }

  private static void runConcurrently(int threads, Worker worker, Runnable alongside, AtomicBoolean done)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          worker.run(id);
          return null;
        }));
      }
      Future<?> side = alongside == null ? null : pool.submit(alongside);
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      done.set(true);
      if (side != null) {
        side.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
