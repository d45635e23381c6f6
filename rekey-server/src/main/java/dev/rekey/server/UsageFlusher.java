package dev.rekey.server;

import dev.rekey.core.usage.UsageTracker;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists usage counts every {@code interval} on its own thread, and once more at {@link #close}.
 * A failed flush is logged and retried at the next interval with everything still pending
 * ({@link UsageTracker#flush} marks nothing flushed when the write fails).
 */
final class UsageFlusher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageFlusher.class);

  private final UsageTracker tracker;
  private final Runnable onFailure;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rekey-usage-flusher");
    t.setDaemon(true);
    return t;
  });

  UsageFlusher(UsageTracker tracker, Duration interval, Runnable onFailure) {
    this.tracker = tracker;
    this.onFailure = onFailure;
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void flushQuietly() {
    try {
      tracker.flush();
    } catch (RuntimeException e) {
      onFailure.run();
      LOG.warn("usage counts could not be stored; they stay pending and are retried: {}", e.getMessage());
    }
  }

  /** Stops the timer and flushes what is left (call before closing the store). */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the usage flusher did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushQuietly();
  }
}
