package dev.rekey.server.webhook;

import dev.rekey.core.webhook.WebhookDeliverer;
import dev.rekey.core.webhook.WebhookDispatcher;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background side of webhooks on one node: every poll interval (and soon after a
 * {@link #nudge()}) it fans new outbox events out to deliveries, then lets up to {@code senders}
 * threads claim and send due deliveries one at a time until none is due. Several nodes may run
 * it against one database: claims and fan-out are exclusive in the store.
 */
public final class WebhookWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookWorker.class);
  static final int DISPATCH_BATCH = 500;

  private final WebhookDispatcher dispatcher;
  private final WebhookDeliverer deliverer;
  private final BooleanSupplier ready;
  private final ScheduledExecutorService ticker;
  private final SenderPool senders;
  private final AtomicBoolean nudged = new AtomicBoolean();
  private volatile boolean closed;

  /** {@code ready} says whether deliveries can be signed now (the server is unsealed). */
  public WebhookWorker(WebhookDispatcher dispatcher, WebhookDeliverer deliverer, BooleanSupplier ready, int senders) {
    this.dispatcher = dispatcher;
    this.deliverer = deliverer;
    this.ready = ready;
    this.ticker = Executors.newSingleThreadScheduledExecutor(SenderPool.daemon("rekey-webhook-dispatch"));
    this.senders = new SenderPool("rekey-webhook-send", senders, () -> deliverer.deliverDue(1), "webhook delivery");
  }

  public WebhookWorker start(Duration poll) {
    ticker.scheduleWithFixedDelay(this::tick, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Runs a tick soon: after a change that created events or made a delivery due. */
  public void nudge() {
    if (!closed && nudged.compareAndSet(false, true)) {
      try {
        ticker.schedule(() -> {
          nudged.set(false);
          tick();
        }, 50, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        nudged.set(false);
      }
    }
  }

  void tick() {
    if (closed) {
      return;
    }
    try {
      while (!closed && dispatcher.dispatch(DISPATCH_BATCH) > 0) {
        // keep fanning out while there is a backlog
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook dispatch failed: {}", e.getMessage());
    }
    if (!ready.getAsBoolean()) {
      return;
    }
    senders.fill();
  }

  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    boolean sendersStopped = senders.stop();
    try {
      if (!sendersStopped || !ticker.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("webhook workers did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
