package dev.rekey.server.api;

import dev.rekey.api.DeliveryView;
import dev.rekey.api.EventView;
import dev.rekey.api.WebhookView;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.Webhook;

/** Wire views of webhooks, deliveries and events. */
final class WebhookViews {
  private WebhookViews() {}

  /** {@code secret} only in the answers to create and rotate-secret; null otherwise. */
  static WebhookView webhook(Webhook w, String secret) {
    return new WebhookView(w.id(), w.url(), w.eventTypes().stream().map(EventType::shortName).sorted().toList(),
        w.namespace(), w.tags(), w.enabled(), secret, Views.time(w.createdAt()), Views.time(w.updatedAt()));
  }

  static DeliveryView delivery(Delivery d) {
    return new DeliveryView(d.id(), d.webhookId(), d.eventId(), d.eventType(), d.eventSeq(), d.status().wireName(),
        d.attempts(), d.status() == dev.rekey.core.webhook.DeliveryStatus.PENDING ? Views.time(d.nextAttemptAt()) : null,
        d.lastStatus(), d.lastError(), Views.time(d.createdAt()), Views.time(d.updatedAt()), Views.time(d.deliveredAt()));
  }

  static EventView event(EventLog.Entry e) {
    return new EventView(e.seq(), e.event().id().toString(), e.event().type().shortName(), Views.time(e.event().time()),
        e.event().namespace(), e.event().subject(), e.event().tags(), e.event().data());
  }
}
