package dev.rekey.core.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * How deliveries are attempted: the retry policy, how long a claimed attempt is leased (longer than
 * the longest attempt, the host lookup and the HTTP request each with its timeout, so a live node
 * never loses its lease), and this node's lease owner name.
 */
public record DeliveryConfig(Backoff backoff, Duration lease, String node) {
  public DeliveryConfig {
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(node, "node");
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("webhook delivery lease must be positive");
    }
  }
}
