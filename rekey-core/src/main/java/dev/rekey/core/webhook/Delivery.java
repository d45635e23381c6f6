package dev.rekey.core.webhook;

import java.time.Instant;

/**
 * One event for one subscription. {@code eventId} is also the {@code webhook-id} header, stable
 * across attempts so receivers can de-duplicate. {@code lastStatus} is the last HTTP status (null
 * when there was no answer); {@code lastError} a short reason, never a response body.
 * {@code nextAttemptAt} is meaningful while PENDING.
 */
public record Delivery(String id, String webhookId, long eventSeq, String eventId, String eventType,
    DeliveryStatus status, int attempts, Instant nextAttemptAt, Integer lastStatus, String lastError,
    Instant createdAt, Instant updatedAt, Instant deliveredAt) {}
