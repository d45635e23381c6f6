package dev.rekey.core.consumer;

import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.util.Objects;

/**
 * How rotations of a key reach its consumers: how long they have to move to the new version
 * ({@code deadline}, default one hour), how long a version they just left stays protected from
 * retirement ({@code quietPeriod}, default none), and whether consumers must validate a new
 * version before it becomes primary ({@code verifyBeforePromote}).
 */
public record PropagationPolicy(Duration deadline, Duration quietPeriod, boolean verifyBeforePromote) {
  public static final Duration MAX = Duration.ofDays(365);
  public static final PropagationPolicy DEFAULT = new PropagationPolicy(Duration.ofHours(1), Duration.ZERO, false);

  public PropagationPolicy {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(quietPeriod, "quietPeriod");
    if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX) > 0) {
      throw RekeyException.invalid("deadline must be a positive ISO-8601 duration of at most P365D");
    }
    if (quietPeriod.isNegative() || quietPeriod.compareTo(MAX) > 0) {
      throw RekeyException.invalid("quiet_period must be an ISO-8601 duration between PT0S and P365D");
    }
  }

  /** Parses an ISO-8601 duration named {@code field}; null stays null. */
  public static Duration duration(String field, String text) {
    if (text == null) {
      return null;
    }
    return dev.rekey.core.Durations.parse(field, text, "PT1H");
  }
}
