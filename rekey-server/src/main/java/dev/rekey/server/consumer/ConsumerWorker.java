package dev.rekey.server.consumer;

import dev.rekey.core.consumer.ConsumerNotifier;
import dev.rekey.core.consumer.ConsumerPropagation;
import dev.rekey.core.consumer.ObservationBuffer;
import dev.rekey.server.webhook.SenderPool;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background side of consumer propagation on one node: every poll interval it writes the
 * observed key uses collected since the last tick (one transaction), marks bindings past their
 * deadline STALE, and lets up to {@code senders} threads call due consumer hooks.
 */
public final class ConsumerWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerWorker.class);
  static final int BATCH = 500;

  private final ConsumerPropagation propagation;
  private final ConsumerNotifier notifier;
  private final ObservationBuffer observations;
  private final BooleanSupplier ready;
  private final ScheduledExecutorService ticker;
  private final SenderPool senders;
  private volatile boolean closed;

  public ConsumerWorker(ConsumerPropagation propagation, ConsumerNotifier notifier, ObservationBuffer observations,
      BooleanSupplier ready, int senders) {
    this.propagation = propagation;
    this.notifier = notifier;
    this.observations = observations;
    this.ready = ready;
    this.ticker = Executors.newSingleThreadScheduledExecutor(SenderPool.daemon("rekey-consumer-tick"));
    this.senders = new SenderPool("rekey-consumer-hook", senders, () -> notifier.deliverDue(1), "consumer hook call");
  }

  public ConsumerWorker start(Duration poll) {
    ticker.scheduleWithFixedDelay(this::tick, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  void tick() {
    if (closed || !ready.getAsBoolean()) {
      return;
    }
    try {
      propagation.observe(ConsumerPropagation.latest(observations.drain()));
    } catch (RuntimeException e) {
      LOG.warn("recording observed key uses failed: {}", e.getMessage());
    }
    try {
      while (!closed && propagation.expireDeadlines(BATCH) == BATCH) {
        // keep going while a backlog is due
      }
    } catch (RuntimeException e) {
      LOG.warn("evaluating consumer deadlines failed: {}", e.getMessage());
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
        LOG.warn("consumer workers did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
