package dev.rekey.bench;

import dev.rekey.core.usage.KeyUsage;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCounter;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one operation costs on the hot path: {@link KeyUsage#record} on the counters a
 * key cache entry carries (LongAdder increment, time, coarse last-used), on one thread and with two
 * threads counting the same version (the contended case of a hot key on two cores); reading the
 * clock per operation ({@code record*}) or a coarse time refreshed by a tick as the server does
 * ({@code recordTicking*}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UsageBenchmark {
  private final KeyUsage usage = new UsageCounter(Clock.systemUTC()).forKey("default", "bench");
  private final KeyUsage ticking = ticking();

  /** Counters whose time is a coarse field refreshed by a tick, as in the server. */
  private static KeyUsage ticking() {
    UsageCounter counter = new UsageCounter(Clock.systemUTC());
    counter.tick();
    return counter.forKey("default", "bench");
  }

  @Benchmark
  public void record() {
    usage.record(1, Operation.ENCRYPT);
  }

  @Benchmark
  @Threads(2)
  public void recordTwoThreads() {
    usage.record(1, Operation.ENCRYPT);
  }

  @Benchmark
  public void recordTicking() {
    ticking.record(1, Operation.ENCRYPT);
  }

  @Benchmark
  @Threads(2)
  public void recordTickingTwoThreads() {
    ticking.record(1, Operation.ENCRYPT);
  }
}
