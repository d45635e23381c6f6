package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 5);

  @Test
  void ceiling_doublesPerFailure_upToMaxDelay() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(32));
    assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void delay_fullJitter_staysWithinZeroAndCeiling_andSpreads() {
    RandomGenerator random = new SplittableRandom(42);
    for (int failures = 1; failures <= 12; failures++) {
      long max = 0;
      long min = Long.MAX_VALUE;
      for (int i = 0; i < 2000; i++) {
        long d = backoff.delay(failures, random).toMillis();
        assertThat(d).isBetween(0L, backoff.ceiling(failures).toMillis());
        max = Math.max(max, d);
        min = Math.min(min, d);
      }
      // full jitter: the draws cover most of [0, ceiling], not just the top
      assertThat(max).isGreaterThan(backoff.ceiling(failures).toMillis() * 9 / 10);
      assertThat(min).isLessThan(backoff.ceiling(failures).toMillis() / 10 + 1);
    }
  }

  @Test
  void exhausted_afterMaxAttempts() {
    assertThat(backoff.exhausted(4)).isFalse();
    assertThat(backoff.exhausted(5)).isTrue();
  }

  @Test
  void constructor_badBounds_throwWithMessage() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 3)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
        .hasMessageContaining("at least");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessageContaining("attempts");
  }
}
