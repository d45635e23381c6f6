package dev.rekey.bench;

import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.SecretCache;
import dev.rekey.core.service.SecretRotationService;
import dev.rekey.core.service.SecretService;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable secret writes in process, without HTTP: what the server does for {@code PUT
 * /v1/secrets/NAME}, on SQLite (WAL, synchronous=FULL). {@code clients} threads each put a new
 * version of one of {@code secrets} secrets (chosen at random) through the audit writer's group
 * commit with the request's audit record (prepared on the client thread, then the commit and the
 * rotation-schedule check on the writer, as the endpoint submits them) and wait for it.
 * Prints puts per second and the CPU time per put of the writer.
 *
 * <pre>java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.SecretWriteBench [seconds] [clients] [secrets]</pre>
 */
public final class SecretWriteBench {
  private SecretWriteBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int secretCount = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    String keep = System.getProperty("bench.dir"); // a directory to keep the database in, for inspection
    Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("rekey-secret-write-bench");
    Clock clock = Clock.systemUTC();
    RootKeyring ring = RootKeyring.generate(Instant.now());
    try (Store store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")))) {
      SecretService secrets = new SecretService(store.secrets(), store.transactions(), store.events(), () -> ring,
          clock, Duration.ofDays(1), new SecretCache(store.secrets(), () -> ring, Duration.ofSeconds(5)));
      SecretRotationService rotations = new SecretRotationService(secrets, store.secretRotations(),
          store.transactions(), store.events(), List.of(), clock, "bench", Duration.ofHours(1));
      AuditSigningKey signing = AuditSigningKey.generate();
      AuditLog audit = AuditLog.start(store.audit(), store.transactions(), () -> signing, AuditLogConfig.DEFAULTS,
          clock);
      try {
        byte[] value = "postgres://app:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@db.internal:5432/app"
            .getBytes(StandardCharsets.UTF_8);
        run(secrets, rotations, audit, value, clients, secretCount, 5, false); // warm-up
        run(secrets, rotations, audit, value, clients, secretCount, seconds, true);
      } finally {
        audit.close();
      }
    } finally {
      if (keep == null) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void run(SecretService secrets, SecretRotationService rotations, AuditLog audit, byte[] value, int clients, int secretCount, int seconds, boolean report) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          String name = "bench-" + ThreadLocalRandom.current().nextInt(secretCount);
          byte[] copy = value.clone();
          var prepared = secrets.prepare("default", name, copy, SecretService.PutOptions.DEFAULT);
          var outcome = audit.submitWrite(() -> {
            var s = secrets.commit(prepared);
            rotations.reschedule(s);
            return s;
          }, secrets::publish, (stored, failure) -> new AuditEvent(Instant.now(), "req-" + Thread.currentThread().getId(),
              "root", "tok_bench", "secret.write", "default", name, stored == null ? 0 : stored.latestVersion(),
              failure == null ? "allowed" : "failed", null, "127.0.0.1", null)).join();
          if (outcome.failure() != null) {
            throw new IllegalStateException("a put failed", outcome.failure());
          }
          done.increment();
        }
      }, "client-" + i);
      threads.add(t);
    }
    TreeMap<String, Long> cpu0 = threadCpu();
    long t0 = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    TreeMap<String, Long> cpu1 = threadCpu();
    if (!report) {
      return;
    }
    long n = done.sum();
    var stats = audit.stats();
    System.out.printf("puts=%d seconds=%.2f puts_per_s=%.0f clients=%d batches=%d mean_batch=%.1f%n", n, elapsed,
        n / elapsed, clients, stats.batchesWritten(), (double) stats.recordsWritten() / Math.max(1, stats.batchesWritten()));
    for (String thread : List.of("rekey-audit-writer")) {
      long used = cpu1.getOrDefault(thread, 0L) - cpu0.getOrDefault(thread, 0L);
      System.out.printf("  %s: %.1f us CPU per put (%.0f%% busy)%n", thread, used / 1e3 / n, 100.0 * used / 1e9 / elapsed);
    }
  }

  private static TreeMap<String, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    TreeMap<String, Long> out = new TreeMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("rekey-")) {
        out.merge(info.getThreadName(), mx.getThreadCpuTime(info.getThreadId()), Long::sum);
      }
    }
    return out;
  }
}
