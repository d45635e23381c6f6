package dev.rekey.core.port;

import java.time.Duration;

/**
 * Events that background services report to metrics (the server exports them at {@code /metrics};
 * see docs/operations.md, "Metrics"). Values that are read rather than pushed (seconds to the next
 * rotation or to expiry per key, campaign progress) are registered by the server as gauges over a
 * supplier instead. Implementations are cheap and never throw.
 */
public interface MetricsRecorder {
  /**
   * A rotation ended: {@code outcome} is {@code succeeded}, {@code failed} or {@code skipped}
   * (exported as {@code rekey_rotations_total{outcome}}).
   */
  void rotation(String outcome);

  /**
   * A webhook delivery attempt ended: {@code outcome} is {@code delivered}, {@code failed} (will be
   * retried) or {@code dead_lettered}; {@code lag} is from the event's time to the end of the
   * attempt (exported as {@code rekey_webhook_deliveries_total{outcome}} and
   * {@code rekey_webhook_delivery_lag_seconds}).
   */
  void webhookDelivery(String outcome, Duration lag);

  /** Records nothing (tests, tools). */
  MetricsRecorder NONE = new MetricsRecorder() {
    @Override
    public void rotation(String outcome) {}

    @Override
    public void webhookDelivery(String outcome, Duration lag) {}
  };
}
