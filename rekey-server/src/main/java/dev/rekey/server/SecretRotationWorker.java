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
 * sealed server skips ticks.
 */
final class SecretRotationWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretRotationWorker.class);
  static final int BATCH = 50;

  private final Vertx vertx;
  private final long timer;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;

  SecretRotationWorker(Vertx vertx, SecretRotationService rotations, SecretExpiryNotices notices, RootLifecycle root,
      Duration interval) {
    this.vertx = vertx;
    this.timer = vertx.setPeriodic(interval.toMillis(), id -> {
      if (closed || root.sealed() || !running.compareAndSet(false, true)) {
        return;
      }
      vertx.executeBlocking(() -> {
        try {
          if (!closed) {
            // Each in its own guard: a failing rotation tick must not stop expiry notices, nor the reverse.
            guarded("secret rotation", () -> rotations.runDue(BATCH));
            guarded("secret expiry notice", () -> notices.runDue(BATCH));
          }
        } finally {
          running.set(false);
        }
        return null;
      }, false);
    });
  }

  private static void guarded(String what, Runnable tick) {
    try {
      tick.run();
    } catch (RuntimeException e) {
      LOG.warn("{} tick failed: {}", what, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
