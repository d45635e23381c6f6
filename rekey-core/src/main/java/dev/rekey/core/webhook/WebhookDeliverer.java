package dev.rekey.core.webhook;

import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.port.MetricsRecorder;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.event.Event;
import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.port.EventEncoder;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.port.WebhookTransport;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes due delivery attempts: claims them under a lease, sends each event signed with the
 * Standard Webhooks headers, and records the outcome: delivered on a 2xx, otherwise retried after
 * {@link Backoff#delay} until the attempts are exhausted, then dead-lettered. The
 * {@code webhook-id} is the event id on every attempt, so receivers can de-duplicate.
 */
public final class WebhookDeliverer {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
  public static final String USER_AGENT = "Rekey-Webhooks/1";

  /** Where deliveries come from and what they need: the stores, the root keyring, the encoder. */
  public record Sources(WebhookRepository webhooks, DeliveryRepository deliveries, EventLog log,
      Supplier<RootKeyring> keyring, EventEncoder encoder) {}

  private final Sources sources;
  private final WebhookTransport transport;
  private final DeliveryConfig config;
  private final Clock clock;
  private final MetricsRecorder metrics;

  public WebhookDeliverer(Sources sources, WebhookTransport transport, DeliveryConfig config, Clock clock) {
    this(sources, transport, config, clock, MetricsRecorder.NONE);
  }

  /** As above, reporting every attempt's outcome and lag (from the delivery's creation) to {@code metrics}. */
  public WebhookDeliverer(Sources sources, WebhookTransport transport, DeliveryConfig config, Clock clock,
      MetricsRecorder metrics) {
    this.sources = sources;
    this.transport = transport;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Claims and attempts up to {@code limit} due deliveries; returns how many it attempted. */
  public int deliverDue(int limit) {
    Instant now = clock.instant();
    List<Delivery> claimed = sources.deliveries().claim(config.node(), now, now.plus(config.lease()), limit);
    for (Delivery d : claimed) {
      try {
        attempt(d);
      } catch (RuntimeException e) {
        // Sealed, storage down, ...: the lease expires and the attempt is made again later.
        LOG.warn("webhook delivery {} could not be attempted: {}", d.id(), e.getMessage());
      }
    }
    return claimed.size();
  }

  private void attempt(Delivery d) {
    Optional<Webhook> hook = sources.webhooks().find(d.webhookId());
    if (hook.isEmpty()) {
      // deleted after the dispatcher read it: end the delivery rather than re-claim it forever
      finish(d, DeliveryOutcome.failed("subscription deleted"), true);
      return;
    }
    if (!hook.get().enabled()) {
      finish(d, DeliveryOutcome.failed("subscription disabled"), true);
      return;
    }
    Optional<? extends EventLog.Entry> entry = sources.log().find(d.eventSeq());
    if (entry.isEmpty()) {
      finish(d, DeliveryOutcome.failed("event no longer stored"), true);
      return;
    }
    Event event = entry.get().event();
    byte[] body = sources.encoder().encode(event);
    DeliveryOutcome outcome = transport.post(hook.get().url(), headers(hook.get(), event, body), body);
    if (Thread.currentThread().isInterrupted()) {
      return; // shutting down: not the receiver's failure; the lease expires and the attempt is made again
    }
    finish(d, outcome, false);
  }

  private Map<String, String> headers(Webhook hook, Event event, byte[] body) {
    String messageId = event.id().toString();
    long timestamp = clock.instant().getEpochSecond();
    SecretBytes secret = sources.keyring().get().unwrap(hook.secret(), MaterialBinding.webhookSecret(hook.id()));
    String signature;
    try {
      signature = WebhookSignature.sign(secret, messageId, timestamp, body);
    } finally {
      secret.destroy();
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", sources.encoder().contentType());
    h.put("User-Agent", USER_AGENT);
    h.put(WebhookSignature.HEADER_ID, messageId);
    h.put(WebhookSignature.HEADER_TIMESTAMP, Long.toString(timestamp));
    h.put(WebhookSignature.HEADER_SIGNATURE, signature);
    return h;
  }

  private void finish(Delivery d, DeliveryOutcome outcome, boolean giveUp) {
    int failures = d.attempts() + 1;
    Instant now = clock.instant();
    Instant next = outcome.success() || giveUp || config.backoff().exhausted(failures) ? null
        : now.plus(config.backoff().delay(failures, Randomness.get()));
    if (!sources.deliveries().record(d.id(), config.node(), outcome, next, now)) {
      LOG.info("webhook delivery {}: lease lost before the outcome was recorded; another node retries it", d.id());
      return;
    }
    if (!outcome.success() && next == null) {
      LOG.warn("webhook delivery {} to {} dead-lettered after {} attempt(s): {}", d.id(), d.webhookId(), failures,
          outcome.error());
    }
    metrics.webhookDelivery(outcome.success() ? "delivered" : next == null ? "dead_lettered" : "failed",
        java.time.Duration.between(d.createdAt(), now));
  }
}
