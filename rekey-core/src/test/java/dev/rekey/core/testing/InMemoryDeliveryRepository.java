package dev.rekey.core.testing;

import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.core.webhook.DeliveryStats;
import dev.rekey.core.webhook.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Webhook deliveries with leases, in memory, for core tests. Thread-safe. */
public final class InMemoryDeliveryRepository implements DeliveryRepository {
  private record Row(Delivery delivery, String owner, Instant leaseUntil, Instant pendingSince) {}

  private final Map<String, Row> deliveries = new TreeMap<>();


  @Override
  public synchronized void insert(List<NewDelivery> batch, Instant now) {
    for (NewDelivery d : batch) {
      boolean exists = deliveries.values().stream().anyMatch(r -> r.delivery().webhookId().equals(d.webhookId())
          && r.delivery().eventSeq() == d.eventSeq());
      if (!exists) {
        deliveries.put(d.id(), new Row(new Delivery(d.id(), d.webhookId(), d.eventSeq(), d.eventId(), d.eventType(),
            DeliveryStatus.PENDING, 0, now, null, null, now, now, null), null, null, now));
      }
    }
  }

  @Override
  public synchronized List<Delivery> claim(String owner, Instant now, Instant leaseUntil, int limit) {
    List<Delivery> out = new ArrayList<>();
    for (Row r : deliveries.values().stream().sorted(Comparator.comparing(r -> r.delivery().nextAttemptAt())).toList()) {
      Delivery d = r.delivery();
      if (out.size() < limit && d.status() == DeliveryStatus.PENDING && !d.nextAttemptAt().isAfter(now)
          && (r.leaseUntil() == null || !r.leaseUntil().isAfter(now))) {
        deliveries.put(d.id(), new Row(d, owner, leaseUntil, r.pendingSince()));
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean record(String id, String owner, DeliveryOutcome outcome, Instant next, Instant now) {
    Row r = deliveries.get(id);
    if (r == null || !owner.equals(r.owner()) || r.delivery().status() != DeliveryStatus.PENDING) {
      return false;
    }
    Delivery d = r.delivery();
    DeliveryStatus status = outcome.success() ? DeliveryStatus.DELIVERED
        : next == null ? DeliveryStatus.DEAD : DeliveryStatus.PENDING;
    deliveries.put(id, new Row(new Delivery(id, d.webhookId(), d.eventSeq(), d.eventId(), d.eventType(), status,
        d.attempts() + 1, next == null ? d.nextAttemptAt() : next, outcome.status(), outcome.error(), d.createdAt(), now,
        outcome.success() ? now : null), null, null, r.pendingSince()));
    return true;
  }

  @Override
  public synchronized Optional<Delivery> find(String id) {
    return Optional.ofNullable(deliveries.get(id)).map(Row::delivery);
  }

  @Override
  public synchronized List<Delivery> list(String webhookId, String beforeId, int limit) {
    return deliveries.values().stream().map(Row::delivery).filter(d -> d.webhookId().equals(webhookId))
        .filter(d -> beforeId == null || d.id().compareTo(beforeId) < 0)
        .sorted(Comparator.comparing(Delivery::id).reversed()).limit(limit).toList();
  }

  @Override
  public synchronized boolean redeliver(String id, Instant now) {
    Row r = deliveries.get(id);
    if (r == null || r.delivery().status() == DeliveryStatus.PENDING) {
      return false;
    }
    Delivery d = r.delivery();
    deliveries.put(id, new Row(new Delivery(id, d.webhookId(), d.eventSeq(), d.eventId(), d.eventType(),
        DeliveryStatus.PENDING, 0, now, d.lastStatus(), d.lastError(), d.createdAt(), now, d.deliveredAt()), null, null, now));
    return true;
  }

  @Override
  public synchronized DeliveryStats stats(Instant now) {
    long pending = 0;
    long delivered = 0;
    long dead = 0;
    Instant oldest = null;
    for (Row r : deliveries.values()) {
      switch (r.delivery().status()) {
        case PENDING -> {
          pending++;
          oldest = oldest == null || r.pendingSince().isBefore(oldest) ? r.pendingSince() : oldest;
        }
        case DELIVERED -> delivered++;
        case DEAD -> dead++;
      }
    }
    return new DeliveryStats(pending, delivered, dead, oldest == null ? Duration.ZERO : Duration.between(oldest, now));
  }

  synchronized void deleteOf(String webhookId) {
    deliveries.values().removeIf(r -> r.delivery().webhookId().equals(webhookId));
  }
}
