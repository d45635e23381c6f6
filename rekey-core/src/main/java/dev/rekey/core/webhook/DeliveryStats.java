package dev.rekey.core.webhook;

import java.time.Duration;

/**
 * What is worth measuring about delivery: deliveries by status, and how long the oldest pending
 * delivery has been pending (since its creation or its redelivery; zero when none is): the lag a
 * receiver sees at worst.
 */
public record DeliveryStats(long pending, long delivered, long dead, Duration oldestPendingAge) {}
