package dev.rekey.core.secret.rotation;

import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a secret rotates: the rotator and its parameters (never secret values: a rotator that needs
 * credentials names another secret), an optional period (on schedule) and an optional lead time
 * before the CURRENT version expires (on near-expiry). {@code nextDueAt} is the next scheduled
 * start, indexed so that a tick costs what is due.
 */
public record RotationConfig(String namespace, String secret, String rotator, Map<String, String> params,
    Duration period, Duration beforeExpiry, Instant nextDueAt) {

  public RotationConfig {
    if (rotator == null || rotator.isBlank()) {
      throw RekeyException.invalid("field 'rotator' is required (generated, dual-key, webhook-hmac, postgresql,"
          + " external-hook)");
    }
    params = Collections.unmodifiableMap(new TreeMap<>(params == null ? Map.of() : params));
    if (period != null && period.compareTo(Duration.ofMinutes(1)) < 0) {
      throw RekeyException.invalid("field 'period' must be at least PT1M");
    }
    if (beforeExpiry != null && (beforeExpiry.isNegative() || beforeExpiry.isZero())) {
      throw RekeyException.invalid("field 'rotate_before_expiry' must be a positive duration such as P7D");
    }
  }

  public String param(String name, String defaultValue) {
    return params.getOrDefault(name, defaultValue);
  }

  public RotationConfig withNextDueAt(Instant next) {
    return new RotationConfig(namespace, secret, rotator, params, period, beforeExpiry, next);
  }
}
