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
            rotations.runDue(BATCH);
            notices.runDue(BATCH);
          }
        } catch (RuntimeException e) {
          LOG.warn("secret rotation tick failed: {}", e.getMessage());
        } finally {
          running.set(false);
        }
        return null;
      }, false);
    });
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
