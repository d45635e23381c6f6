package dev.rekey.core.policy;

import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * An ISO-8601 amount of time as written in a policy: a calendar {@link Period} ({@code P90D},
 * {@code P1M}, {@code P3M}, {@code P1Y}) or an exact {@link Duration} ({@code PT12H},
 * {@code P1DT6H}). Periods are added in UTC with {@code java.time} calendar rules, so
 * {@code P1M} after January 31 is February 28 (or 29), and multiples are taken from the start
 * ({@link #addTo(Instant, long)}), so month-end dates do not drift.
 */
public final class Span {
  private final String text;
  private final Period period;
  private final Duration duration;

  private Span(String text, Period period, Duration duration) {
    this.text = text;
    this.period = period;
    this.duration = duration;
  }

  /** Parses {@code text}; a bad or non-positive value is refused naming {@code field}. */
  public static Span parse(String field, String text) {
    Objects.requireNonNull(text, field);
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    try {
      Span s = t.contains("T") ? ofDuration(Duration.parse(t)) : ofPeriod(Period.parse(t));
      if (!s.isPositive()) {
        throw RekeyException.invalid(field + ": '" + text + "' must be a positive amount of time");
      }
      if (s.longerThanMax()) {
        throw RekeyException.invalid(field + ": '" + text + "' must be at most a century (P100Y, P36500D)");
      }
      return s;
    } catch (DateTimeParseException e) {
      throw RekeyException.invalid(field + ": '" + text + "' is not an ISO-8601 period or duration"
          + " (examples: P90D, P1M, P3M, P1Y, PT12H)");
    }
  }

  public static Span ofDuration(Duration d) {
    return new Span(d.toString(), null, d);
  }

  public static Span ofPeriod(Period p) {
    return new Span(p.toString(), p, null);
  }

  /** Beyond a century ({@link dev.rekey.core.Durations#MAX}): added to a time, it could leave the storable range. */
  private boolean longerThanMax() {
    if (duration != null) {
      return duration.compareTo(dev.rekey.core.Durations.MAX) > 0;
    }
    // a century of the calendar: 1,200 months of 30.44 days on average, or 36,525 days
    double days = period.toTotalMonths() * (36_525.0 / 1_200) + period.getDays();
    return days > 36_525;
  }

  private boolean isPositive() {
    if (duration != null) {
      return !duration.isNegative() && !duration.isZero();
    }
    return !period.isNegative() && !period.isZero() && period.getYears() >= 0 && period.getMonths() >= 0
        && period.getDays() >= 0;
  }

  /** {@code start} plus {@code times} of this span, calendar-correct in UTC. */
  public Instant addTo(Instant start, long times) {
    if (duration != null) {
      return start.plus(duration.multipliedBy(times));
    }
    return start.atZone(ZoneOffset.UTC).plus(period.multipliedBy(Math.toIntExact(times))).toInstant();
  }

  public Instant addTo(Instant start) {
    return addTo(start, 1);
  }

  public Instant subtractFrom(Instant end) {
    return addTo(end, -1);
  }

  /** An approximate length (months of 30.44 days), for estimates only, never for due times. */
  public Duration approximate() {
    if (duration != null) {
      return duration;
    }
    long days = period.getYears() * 365L + period.getDays();
    return Duration.ofDays(days).plusSeconds(Math.round(period.getMonths() * 30.436875 * 86_400));
  }

  /** The normalised ISO-8601 text. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Span s && s.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
