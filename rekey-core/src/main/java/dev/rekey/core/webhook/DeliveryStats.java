package dev.rekey.core.webhook;

import java.time.Duration;

/**
 * What is worth measuring about delivery: deliveries by status, and the age of the oldest
 * delivery still pending (zero when none is), the lag a receiver sees at worst.
 */
public record DeliveryStats(long pending, long delivered, long dead, Duration oldestPendingAge) {}
