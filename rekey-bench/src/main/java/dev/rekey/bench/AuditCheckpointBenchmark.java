package dev.rekey.bench;

import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit writer's checkpoint step on SQLite (WAL, synchronous=FULL, as the server runs it),
 * which runs once per 1,000 records or 60 seconds, never per record: {@code lastStillStored} is
 * the check that the last checkpoint this node stored is still in the trail (one indexed read of
 * {@code audit_checkpoints}, here holding 10,000 rows: a week at one a minute); {@code step} is the
 * whole step (that check, an Ed25519 signature and a durable insert).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditCheckpointBenchmark {
  private static final int STORED = 10_000;

  private Path dir;
  private Store store;
  private AuditSigningKey key;
  private AuditCheckpoint last;
  private long nextSeq;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("rekey-checkpoint-bench");
    store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")));
    key = AuditSigningKey.generate();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    for (nextSeq = 1_000; nextSeq <= STORED * 1_000L; nextSeq += 1_000) {
      last = key.sign(nextSeq, "ab".repeat(32), at.plusSeconds(nextSeq / 1_000 * 60));
      store.audit().insertCheckpoint(last);
    }
  }

  @Benchmark
  public boolean lastStillStored() {
    return store.audit().checkpoint(last.seq()).map(last::equals).orElse(false);
  }

  @Benchmark
  public AuditCheckpoint step() {
    if (!lastStillStored()) {
      throw new IllegalStateException("the last checkpoint is gone");
    }
    AuditCheckpoint cp = key.sign(nextSeq, "cd".repeat(32), Instant.now());
    store.audit().insertCheckpoint(cp);
    last = cp;
    nextSeq += 1_000;
    return cp;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
