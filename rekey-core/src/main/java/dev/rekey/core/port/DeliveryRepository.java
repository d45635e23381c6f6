package dev.rekey.core.port;

import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.core.webhook.DeliveryStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Webhook deliveries: one row per subscription per event. Attempts are claimed with a lease so
 * that two nodes never send the same attempt; a node that dies mid-attempt leaves its lease to
 * expire, and the attempt is made again (at-least-once).
 */
public interface DeliveryRepository {
  /** A delivery to create: the subscription and the outbox event. */
  record NewDelivery(String id, String webhookId, long eventSeq, String eventId, String eventType) {}

  /** Creates PENDING deliveries due at {@code now}; joins the caller's transaction. */
  void insert(List<NewDelivery> deliveries, Instant now);

  /**
   * Leases up to {@code limit} PENDING deliveries due at {@code now} whose lease is free or has
   * expired, to {@code owner} until {@code leaseUntil}. Each delivery is leased by one caller only.
   */
  List<Delivery> claim(String owner, Instant now, Instant leaseUntil, int limit);

  /**
   * Records an attempt made under {@code owner}'s lease: DELIVERED on success, otherwise PENDING
   * again at {@code nextAttemptAt}, or DEAD when that is null. Returns false (writing nothing)
   * when the lease was lost to another node.
   */
  boolean record(String deliveryId, String owner, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now);

  Optional<Delivery> find(String deliveryId);

  /** A subscription's deliveries, newest first, before {@code beforeId} (null for the first page). */
  List<Delivery> list(String webhookId, String beforeId, int limit);

  /**
   * Makes a DELIVERED or DEAD delivery PENDING again, due at {@code now}, with a fresh attempt
   * budget. Returns false when it is already pending.
   */
  boolean redeliver(String deliveryId, Instant now);

  DeliveryStats stats(Instant now);
}
