package dev.rekey.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Amounts of time from requests (TTLs, periods, grace periods, deadlines): ISO-8601, at most a
 * century either way. Times are stored as nanoseconds since 1970, which end in 2262, and services
 * add these amounts to the current time; an unbounded one (P1000000000000D) overflowed there and
 * became a 500, or was stored and broke every later request that used it.
 */
public final class Durations {
  /** The longest amount of time accepted: 36,500 days. */
  public static final Duration MAX = Duration.ofDays(36_500);

  private Durations() {}

  /**
   * Parses {@code text} (null stays null), refusing a malformed value or one beyond {@link #MAX}
   * with a message naming {@code field} and showing {@code example}.
   */
  public static Duration parse(String field, String text, String example) {
    if (text == null) {
      return null;
    }
    Duration d;
    try {
      d = Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw RekeyException.invalid("'" + field + "' must be an ISO-8601 duration such as " + example);
    }
    return bounded(field, d);
  }

  /** {@code d}, if it is at most {@link #MAX} either way. */
  public static Duration bounded(String field, Duration d) {
    if (d.abs().compareTo(MAX) > 0) {
      throw RekeyException.invalid("'" + field + "' must be at most P36500D (a century)");
    }
    return d;
  }

  /** For messages: {@code P32D} rather than {@code PT768H} when {@code d} is whole days. */
  public static String text(Duration d) {
    return !d.isZero() && d.toSeconds() % 86_400 == 0 && d.getNano() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }
}
