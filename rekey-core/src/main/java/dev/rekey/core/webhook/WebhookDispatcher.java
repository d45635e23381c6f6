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
  private final List<DispatchListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Told about the events this node marked dispatched, inside the same transaction: so each event
   * reaches every listener exactly once across nodes, and a listener's writes commit with the mark.
   */
  @FunctionalInterface
  public interface DispatchListener {
    void dispatched(List<? extends EventLog.Entry> events, Instant now);
  }

  public WebhookDispatcher(EventLog log, WebhookRepository webhooks, DeliveryRepository deliveries,
      Transactions transactions, Clock clock) {
    this.log = log;
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.transactions = transactions;
    this.clock = clock;
  }

  public void alsoNotify(DispatchListener listener) {
    listeners.add(listener);
  }

  /**
   * Dispatches up to {@code limit} events; returns how many deliveries it created, plus, when
   * listeners are registered, how many events it marked (so a caller loops while there is a backlog).
   */
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
      if (!listeners.isEmpty()) {
        List<EventLog.Entry> marked = events.stream().filter(e -> mine.contains(e.seq())).map(e -> (EventLog.Entry) e).toList();
        for (DispatchListener l : listeners) {
          l.dispatched(marked, now);
        }
      }
      return rows.size() + (listeners.isEmpty() ? 0 : mine.size());
    });
  }
}
