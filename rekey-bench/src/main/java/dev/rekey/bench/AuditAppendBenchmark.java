package dev.rekey.bench;

import dev.rekey.core.audit.AuditChain;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One group commit of the audit trail on SQLite (WAL, synchronous=FULL, as the server runs it):
 * {@code AuditRepository.append} of a batch of encrypt-like records, chained, inserted, the head
 * moved and committed durably. Time per batch; divide by {@code batch} for the cost per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditAppendBenchmark {
  @Param({"40", "200"})
  int batch;

  private Path dir;
  private Store store;
  private List<AuditEvent> events;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("rekey-audit-bench");
    store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")));
    events = new ArrayList<>(batch);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    for (int i = 0; i < batch; i++) {
      events.add(new AuditEvent(now.plusNanos(i * 1000L), "5f3a2b-" + Integer.toHexString(i), "root",
          "tok_4c1d9e2f7a", "key.encrypt", "default", "orders", 3, "allowed", null, "127.0.0.1", null));
    }
  }

  @Benchmark
  public Object append() {
    return store.audit().append(events, AuditChain.INSTANCE);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
