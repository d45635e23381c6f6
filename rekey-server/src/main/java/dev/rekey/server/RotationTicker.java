package dev.rekey.server;

import dev.rekey.core.policy.RotationScheduler;
import dev.rekey.core.port.MetricsRecorder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks the rotation scheduler on one dedicated thread (ticks never overlap and never occupy the
 * HTTP worker pool), skipping ticks while the server is sealed. A tick that claimed a full batch
 * is followed at once by the next, so a backlog drains at storage speed.
 */
final class RotationTicker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RotationTicker.class);

  private final ScheduledExecutorService executor;

  /** {@code metrics} hears of every rotation the scheduler ran, by outcome. */
  RotationTicker(RotationScheduler scheduler, Duration interval, BooleanSupplier sealed, MetricsRecorder metrics) {
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rekey-rotation-scheduler");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        if (sealed.getAsBoolean()) {
          return;
        }
        RotationScheduler.TickResult r;
        int rounds = 0;
        do {
          r = scheduler.tick();
          record(metrics, r);
        } while (r.claimed() >= scheduler.config().batch() && ++rounds < 100 && !Thread.currentThread().isInterrupted());
      } catch (RuntimeException | Error e) {
        // never let the executor drop the schedule: a thrown tick would cancel all later ticks
        LOG.warn("rotation scheduler tick failed: {}", e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void record(MetricsRecorder metrics, RotationScheduler.TickResult r) {
    for (int i = 0; i < r.rotated(); i++) {
      metrics.rotation("succeeded");
    }
    for (int i = 0; i < r.failed(); i++) {
      metrics.rotation("failed");
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("rotation scheduler did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
