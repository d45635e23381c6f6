package dev.rekey.api;

/**
 * One event for one webhook. {@code status}: {@code pending}, {@code delivered} or {@code dead};
 * {@code lastStatus}: the last HTTP status (absent when there was no answer); {@code lastError}: a
 * short reason such as {@code HTTP 503} or {@code timed out after 10000 ms}; {@code nextAttemptAt}
 * is meaningful while pending. {@code eventId} is the {@code webhook-id} header receivers see.
 */
public record DeliveryView(
    String id,
    String webhookId,
    String eventId,
    String eventType,
    long eventSeq,
    String status,
    int attempts,
    String nextAttemptAt,
    Integer lastStatus,
    String lastError,
    String createdAt,
    String updatedAt,
    String deliveredAt) {}
