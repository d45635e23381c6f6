package dev.rekey.core.policy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * When a key is rotated: every {@link Span} counted from an anchor (the primary version's creation
 * when the schedule began), or at the times of a UTC cron expression. Both answer the same
 * question: the first scheduled time strictly after a given instant. Asking after the time a run
 * actually happened is what makes a schedule missed during downtime run once, not once per
 * missed period.
 */
public sealed interface Schedule {

  /** The first scheduled time strictly after {@code after}, counting from {@code anchor}. */
  Instant nextAfter(Instant anchor, Instant after);

  /** The policy text of this schedule ({@code P3M} or {@code 0 3 1 * *}). */
  String text();

  /**
   * The shortest time between two runs: the period's length ({@code P1M} as about 30 days), or for
   * a cron expression the shortest gap among its first {@value Cron#GAPS_CHECKED} runs from 2000.
   */
  Duration shortestGap();

  /** Every {@code span} from the anchor: anchor + k * span for k = 1, 2, ... (never drifts). */
  record Every(Span span) implements Schedule {
    @Override
    public Instant nextAfter(Instant anchor, Instant after) {
      if (after.isBefore(anchor)) {
        return span.addTo(anchor);
      }
      // Estimate k from the approximate length, then step to the exact answer.
      long approxSeconds = Math.max(1, span.approximate().getSeconds());
      long k = Math.max(1, (after.getEpochSecond() - anchor.getEpochSecond()) / approxSeconds - 1);
      Instant t = span.addTo(anchor, k);
      while (t.isAfter(after) && k > 1) {
        k--;
        t = span.addTo(anchor, k);
      }
      while (!t.isAfter(after)) {
        k++;
        t = span.addTo(anchor, k);
      }
      return t;
    }

    @Override
    public String text() {
      return span.text();
    }

    @Override
    public Duration shortestGap() {
      return span.approximate();
    }
  }

  /** A Unix five-field cron expression evaluated in UTC. */
  record Cron(String expression, ExecutionTime executionTime) implements Schedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final ZonedDateTime START = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    /** Parses {@code expression}; an invalid one is refused naming {@code field}. */
    public static Cron parse(String field, String expression) {
      String e = expression.trim().replaceAll("\\s+", " ");
      Cron cron;
      try {
        cron = new Cron(e, ExecutionTime.forCron(PARSER.parse(e).validate()));
      } catch (IllegalArgumentException ex) {
        throw RekeyException.invalid(field + ": '" + expression + "' is not a Unix five-field cron expression"
            + " (minute hour day-of-month month day-of-week, UTC): " + ex.getMessage());
      }
      if (cron.executionTime.nextExecution(START).isEmpty()) {
        throw RekeyException.invalid(field + ": '" + expression + "' never runs");
      }
      return cron;
    }

    @Override
    public Instant nextAfter(Instant anchor, Instant after) {
      return executionTime.nextExecution(after.atZone(ZoneOffset.UTC))
          .map(z -> z.toInstant())
          .orElseThrow(() -> RekeyException.invalid("cron: '" + expression + "' has no future execution"));
    }

    @Override
    public String text() {
      return expression;
    }

    /** Runs looked at by {@link #shortestGap}: enough to see the pattern of any five-field expression. */
    static final int GAPS_CHECKED = 100;

    @Override
    public Duration shortestGap() {
      ZonedDateTime t = executionTime.nextExecution(START).orElseThrow();
      Duration shortest = null;
      for (int i = 0; i < GAPS_CHECKED; i++) {
        java.util.Optional<ZonedDateTime> next = executionTime.nextExecution(t);
        if (next.isEmpty()) {
          break;
        }
        Duration gap = Duration.between(t, next.get());
        shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
        t = next.get();
      }
      return shortest == null ? ChronoUnit.FOREVER.getDuration() : shortest;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cron c && c.expression.equals(expression);
    }

    @Override
    public int hashCode() {
      return expression.hashCode();
    }
  }
}
