package dev.rekey.server;

import dev.rekey.core.service.SecretExpiryNotices;
import dev.rekey.core.service.SecretRotationService;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives secret rotations in the background: every {@code interval}, on a worker thread, starts
 * what is due, runs the steps of rotations this node can lease, and fires due expiry notices. Never two ticks at once; a
 * sealed server skips ticks. The first tick (so the first once unsealed, at start or later) first
 * runs {@code recovery}, releasing the leases earlier processes on this data directory left; one
 * that fails is tried again at the next tick.
 */
final class SecretRotationWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretRotationWorker.class);
  static final int BATCH = 50;

  private final Vertx vertx;
  private final long timer;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean recovered;

  SecretRotationWorker(Vertx vertx, SecretRotationService rotations, SecretExpiryNotices notices, RootLifecycle root,
      Duration interval, Runnable recovery) {
    this.vertx = vertx;
    this.timer = vertx.setPeriodic(interval.toMillis(), id -> {
      if (closed || root.sealed() || !running.compareAndSet(false, true)) {
        return;
      }
      vertx.executeBlocking(() -> {
        try {
          if (!closed && !recovered) {
            recovered = guarded("releasing earlier processes' rotation leases", recovery);
          }
          if (!closed) {
            // Each in its own guard: a failing rotation tick must not stop expiry notices, nor the reverse.
            guarded("secret rotation", () -> rotations.runDue(BATCH, () -> closed));
            guarded("secret expiry notice", () -> notices.runDue(BATCH));
          }
        } finally {
          running.set(false);
        }
        return null;
      }, false);
    });
  }

  /** Runs {@code tick}; false (logged) when it failed. */
  private static boolean guarded(String what, Runnable tick) {
    try {
      tick.run();
      return true;
    } catch (RuntimeException e) {
      LOG.warn("{} tick failed: {}", what, e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
