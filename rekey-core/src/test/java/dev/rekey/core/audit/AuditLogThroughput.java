package dev.rekey.core.audit;

import dev.rekey.core.testing.InMemoryAuditRepository;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick measurement, not a test: submit-to-complete throughput of {@link AuditLog} over the
 * in-memory repository. Run with the test classpath: {@code java ... AuditLogThroughput [threads] [perThread]}.
 */
public final class AuditLogThroughput {
  private AuditLogThroughput() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 250_000;
    for (int round = 1; round <= 3; round++) {
      InMemoryAuditRepository repo = new InMemoryAuditRepository();
      AuditLog log = AuditLog.start(repo, AuditSigningKey.generate(), AuditLogConfig.DEFAULTS.withQueueCapacity(1 << 20),
          Clock.systemUTC());
      AtomicLong failed = new AtomicLong();
      CountDownLatch done = new CountDownLatch(threads * perThread);
      long start = System.nanoTime();
      Thread[] producers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        producers[t] = new Thread(() -> {
          for (int i = 0; i < perThread; i++) {
            CompletableFuture<AuditRecord> f = log.submit(AuditFixtures.event(base + i));
            f.whenComplete((r, e) -> {
              if (e != null) {
                failed.incrementAndGet();
              }
              done.countDown();
            });
          }
        });
        producers[t].start();
      }
      done.await();
      long nanos = System.nanoTime() - start;
      log.close();
      long n = (long) threads * perThread;
      System.out.printf("round %d: %d records, %d threads: %.0f records/s, %d failed, %d batches (avg %.0f), %d checkpoints%n",
          round, n, threads, n / (nanos / 1e9), failed.get(), log.stats().batchesWritten(),
          (double) log.stats().recordsWritten() / log.stats().batchesWritten(), log.stats().checkpointsWritten());
    }
    // Round trip of one request at a time: submit, wait, repeat.
    InMemoryAuditRepository repo = new InMemoryAuditRepository();
    try (AuditLog log = AuditLog.start(repo, AuditSigningKey.generate(), AuditLogConfig.DEFAULTS, Clock.systemUTC())) {
      int n = 50_000;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        log.submit(AuditFixtures.event(i)).join();
      }
      System.out.printf("sequential submit->complete: %.1f us per record%n", (System.nanoTime() - start) / 1e3 / n);
    }
  }
}
