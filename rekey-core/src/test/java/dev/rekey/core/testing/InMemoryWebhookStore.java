package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.webhook.Webhook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Webhook storage in memory for core tests: the outbox with its read side, and subscriptions.
 * Not transactional (use {@code Transactions.direct()}); thread-safe.
 */
public final class InMemoryWebhookStore implements EventOutbox, EventLog, WebhookRepository {
  private record Entry(long seq, Event event) implements EventLog.Entry {}

  private final List<Entry> events = new ArrayList<>();
  private final java.util.Set<Long> dispatched = new java.util.HashSet<>();
  private final Map<String, Webhook> webhooks = new TreeMap<>();
  private final InMemoryDeliveryRepository deliveries;

  /** {@code deliveries}: where {@link #delete} also removes a subscription's deliveries. */
  public InMemoryWebhookStore(InMemoryDeliveryRepository deliveries) {
    this.deliveries = deliveries;
  }

  // ---- outbox ----

  @Override
  public synchronized void append(List<Event> batch) {
    for (Event e : batch) {
      events.add(new Entry(events.size() + 1, e));
    }
  }

  @Override
  public synchronized List<Entry> undispatched(int limit) {
    return events.stream().filter(e -> !dispatched.contains(e.seq())).limit(limit).toList();
  }

  @Override
  public synchronized List<Long> markDispatched(List<Long> seqs, Instant at) {
    return seqs.stream().filter(dispatched::add).toList();
  }

  @Override
  public synchronized Optional<Entry> find(long seq) {
    return seq >= 1 && seq <= events.size() ? Optional.of(events.get((int) seq - 1)) : Optional.empty();
  }

  @Override
  public synchronized List<Entry> recent(Long beforeSeq, EventType type, int limit) {
    return events.stream().sorted(Comparator.comparingLong(Entry::seq).reversed())
        .filter(e -> beforeSeq == null || e.seq() < beforeSeq).filter(e -> type == null || e.event().type() == type)
        .limit(limit).toList();
  }

  // ---- subscriptions ----

  @Override
  public synchronized void insert(Webhook webhook) {
    if (webhooks.putIfAbsent(webhook.id(), webhook) != null) {
      throw RekeyException.alreadyExists("a webhook with id '" + webhook.id() + "' already exists");
    }
  }

  @Override
  public synchronized Optional<Webhook> find(String id) {
    return Optional.ofNullable(webhooks.get(id));
  }

  @Override
  public synchronized List<Webhook> list(String afterId, int limit) {
    return webhooks.values().stream().filter(w -> afterId == null || w.id().compareTo(afterId) > 0).limit(limit).toList();
  }

  @Override
  public synchronized List<Webhook> enabled() {
    return webhooks.values().stream().filter(Webhook::enabled).toList();
  }

  @Override
  public synchronized void update(Webhook webhook) {
    Webhook stored = webhooks.get(webhook.id());
    if (stored == null) {
      throw RekeyException.notFound("no webhook '" + webhook.id() + "'");
    }
    webhooks.put(webhook.id(), webhook.withSecret(stored.secret(), webhook.updatedAt()));
  }

  @Override
  public synchronized void storeSecret(String id, WrappedKey secret, Instant updatedAt) {
    Webhook stored = webhooks.get(id);
    if (stored == null) {
      throw RekeyException.notFound("no webhook '" + id + "'");
    }
    webhooks.put(id, stored.withSecret(secret, updatedAt));
  }

  @Override
  public synchronized List<Webhook> wrappedByOtherRoot(String currentRootKeyId, int limit) {
    return webhooks.values().stream().filter(w -> !w.secret().rootKeyId().equals(currentRootKeyId)).limit(limit).toList();
  }

  @Override
  public synchronized boolean replaceSecret(String id, WrappedKey expected, WrappedKey next) {
    Webhook w = webhooks.get(id);
    if (w == null || !w.secret().equals(expected)) {
      return false;
    }
    webhooks.put(id, w.withSecret(next, w.updatedAt()));
    return true;
  }

  @Override
  public synchronized boolean delete(String id) {
    deliveries.deleteOf(id);
    return webhooks.remove(id) != null;
  }
}
