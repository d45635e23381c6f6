package dev.rekey.core.webhook;

import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.port.DeliveryRepository.NewDelivery;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.WebhookRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fans undispatched outbox events out to the subscriptions that match them: one delivery per
 * subscription per event, created in the transaction that marks the event dispatched. Marking is
 * conditional, so on several nodes each event is fanned out exactly once.
 */
public final class WebhookDispatcher {
  private final EventLog log;
  private final WebhookRepository webhooks;
  private final DeliveryRepository deliveries;
  private final Transactions transactions;
  private final Clock clock;

  public WebhookDispatcher(EventLog log, WebhookRepository webhooks, DeliveryRepository deliveries,
      Transactions transactions, Clock clock) {
    this.log = log;
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** Dispatches up to {@code limit} events; returns how many deliveries it created. */
  public int dispatch(int limit) {
    List<? extends EventLog.Entry> events = log.undispatched(limit);
    if (events.isEmpty()) {
      return 0;
    }
    List<Webhook> subscriptions = webhooks.enabled();
    Instant now = clock.instant();
    return transactions.inTransaction(() -> {
      Set<Long> mine = new HashSet<>(log.markDispatched(events.stream().map(EventLog.Entry::seq).toList(), now));
      List<NewDelivery> rows = new ArrayList<>();
      for (EventLog.Entry e : events) {
        if (!mine.contains(e.seq())) {
          continue;
        }
        for (Webhook w : subscriptions) {
          if (w.matches(e.event())) {
            rows.add(new NewDelivery(WebhookIds.delivery(now), w.id(), e.seq(), e.event().id().toString(),
                e.event().type().shortName()));
          }
        }
      }
      deliveries.insert(rows, now);
      return rows.size();
    });
  }
}
