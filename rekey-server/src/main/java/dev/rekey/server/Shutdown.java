package dev.rekey.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server has started, stopped in reverse order of start. A step that fails is logged (its
 * name and the exception, never key material) and the remaining steps still run. Used both by
 * {@link RekeyServer#close} and when startup fails half-way.
 */
final class Shutdown implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RekeyServer.class); // the name its lines always had

  /** Stops one started component. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private record Started(String name, Step stop) {}

  private final Deque<Started> started = new ArrayDeque<>();

  /** Records that {@code name} has started; {@code stop} runs before everything recorded earlier. */
  void onClose(String name, Step stop) {
    started.push(new Started(name, stop));
  }

  /**
   * Stops everything recorded, newest first; safe to call twice (the second call does nothing). A
   * step that fails, even with an {@link Error}, does not keep the older ones from running (the
   * oldest releases the data directory); the first Error is rethrown after the last step.
   */
  @Override
  public void close() {
    boolean interrupted = false;
    Error error = null;
    while (!started.isEmpty()) {
      Started s = started.pop();
      try {
        s.stop().run();
      } catch (Exception e) {
        // Interrupted while waiting for one step: still stop the others, then restore the flag.
        interrupted |= e instanceof InterruptedException;
        LOG.warn("{} did not close cleanly: {}", s.name(), e.toString());
      } catch (Error e) {
        LOG.error("{} did not close cleanly", s.name(), e);
        error = error == null ? e : error;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (error != null) {
      throw error;
    }
  }
}
