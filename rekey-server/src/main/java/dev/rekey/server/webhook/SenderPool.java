package dev.rekey.server.webhook;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Up to {@code senders} daemon threads that each call {@code sendOne} (claim and send one due
 * outbound HTTP call, returning how many it handled) until nothing is due, so that a receiver that
 * never answers holds one sender only. Shared by webhook delivery and consumer hook calls.
 */
public final class SenderPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SenderPool.class);

  private final ExecutorService sending;
  private final int senders;
  private final IntSupplier sendOne;
  private final String what;
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closed;

  public SenderPool(String threadName, int senders, IntSupplier sendOne, String what) {
    this.sending = Executors.newFixedThreadPool(senders, daemon(threadName));
    this.senders = senders;
    this.sendOne = sendOne;
    this.what = what;
  }

  /** Starts senders until {@code senders} are draining. */
  public void fill() {
    while (!closed && active.get() < senders) {
      active.incrementAndGet();
      try {
        sending.execute(this::drain);
      } catch (RejectedExecutionException e) {
        active.decrementAndGet();
        return;
      }
    }
  }

  private void drain() {
    try {
      while (!closed && sendOne.getAsInt() > 0) {
        // one claimed call at a time
      }
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", what, e.getMessage());
    } finally {
      active.decrementAndGet();
    }
  }

  /** Stops the senders; returns whether they stopped within 10 s. */
  public boolean stop() {
    closed = true;
    sending.shutdownNow();
    try {
      return sending.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (!stop()) {
      LOG.warn("{} senders did not stop within 10 s", what);
    }
  }

  /** Daemon threads named {@code name-1}, {@code name-2}, ... */
  public static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
