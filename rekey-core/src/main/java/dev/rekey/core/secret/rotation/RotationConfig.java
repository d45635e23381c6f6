package dev.rekey.core.secret.rotation;

import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
  /** The longest {@code period}, {@code rotate_before_expiry} and {@code ttl} a configuration may give. */
  public static final Duration MAX_DURATION = Duration.ofDays(3650);

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

  /**
   * Checks what only a new configuration must satisfy (stored ones are read back as they are):
   * durations short enough that schedules and expiries computed from them stay in range, and a
   * valid {@code ttl}. Throws INVALID_REQUEST naming the field.
   */
  public void validateNew() {
    if (period != null && period.compareTo(MAX_DURATION) > 0) {
      throw RekeyException.invalid("field 'period' must be at most " + MAX_DURATION);
    }
    if (beforeExpiry != null && beforeExpiry.compareTo(MAX_DURATION) > 0) {
      throw RekeyException.invalid("field 'rotate_before_expiry' must be at most " + MAX_DURATION);
    }
    ttl(params);
  }

  /**
   * The {@code ttl} parameter, which every rotator accepts: the lifetime of each version a rotation
   * creates (a positive ISO-8601 duration up to {@link #MAX_DURATION}), or null when absent.
   */
  public static Duration ttl(Map<String, String> params) {
    return ttl(params, MAX_DURATION);
  }

  /**
   * The {@code ttl} of a stored configuration when a rotation runs: up to a century, so that one
   * stored before the {@link #MAX_DURATION} limit keeps working as it did.
   */
  public static Duration storedTtl(Map<String, String> params) {
    return ttl(params, dev.rekey.core.Durations.MAX);
  }

  private static Duration ttl(Map<String, String> params, Duration max) {
    String v = params.get("ttl");
    if (v == null) {
      return null;
    }
    try {
      Duration d = Duration.parse(v);
      if (!d.isNegative() && !d.isZero() && d.compareTo(max) <= 0) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw RekeyException.invalid("rotation parameter 'ttl' must be a positive ISO-8601 duration of at most "
        + max + " such as P30D, got '" + v + "'");
  }

  public String param(String name, String defaultValue) {
    return params.getOrDefault(name, defaultValue);
  }

  public RotationConfig withNextDueAt(Instant next) {
    return new RotationConfig(namespace, secret, rotator, params, period, beforeExpiry, next);
  }
}
