package dev.rekey.core.webhook;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before attempt {@code n + 1} (after {@code n} failures)
 * wait a uniformly random time in {@code [0, min(maxDelay, initialDelay * 2^(n-1))]}. After
 * {@code maxAttempts} failed attempts a delivery is dead-lettered.
 */
public record Backoff(Duration initialDelay, Duration maxDelay, int maxAttempts) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1), 12);

  public Backoff {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("webhook initial retry delay must be positive");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("webhook max retry delay must be at least the initial delay");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("webhook max attempts must be between 1 and 100");
    }
  }

  /** The upper bound of the wait after {@code failures} failed attempts (at least 1). */
  public Duration ceiling(int failures) {
    int shift = Math.min(Math.max(failures, 1) - 1, 40);
    long millis = initialDelay.toMillis();
    long ceiling = millis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : millis << shift;
    return Duration.ofMillis(Math.min(ceiling, maxDelay.toMillis()));
  }

  /** A random wait in {@code [0, ceiling(failures)]}. */
  public Duration delay(int failures, RandomGenerator random) {
    long bound = ceiling(failures).toMillis();
    return Duration.ofMillis(random.nextLong(bound + 1));
  }

  /** Is a delivery that failed {@code failures} times dead? */
  public boolean exhausted(int failures) {
    return failures >= maxAttempts;
  }
}
