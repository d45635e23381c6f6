package dev.rekey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.policy.Span;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parse_acceptsUpToACenturyEitherWay() {
    assertThat(Durations.parse("ttl", null, "P1D")).isNull();
    assertThat(Durations.parse("ttl", " PT12H ", "P1D")).isEqualTo(Duration.ofHours(12));
    assertThat(Durations.parse("ttl", "P36500D", "P1D")).isEqualTo(Durations.MAX);
    assertThat(Durations.parse("ttl", "-P36500D", "P1D")).isEqualTo(Durations.MAX.negated());
  }

  @Test
  void parse_refusesMalformedAndTooLong_namingTheField() {
    for (String text : new String[] {"P36501D", "-P36501D", "P1000000000000D", "PT9223372036854775807S"}) {
      assertThatThrownBy(() -> Durations.parse("grace", text, "P1D"))
          .isInstanceOfSatisfying(RekeyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("'grace'").contains("at most P36500D");
          });
    }
    assertThatThrownBy(() -> Durations.parse("ttl", "30 days", "P30D"))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.getMessage()).contains("such as P30D"));
  }

  @Test
  void spans_areBoundedToACentury_inPeriodsAndDurations() {
    assertThat(Span.parse("rotation_period", "P100Y")).isNotNull();
    assertThat(Span.parse("rotation_period", "P1200M")).isNotNull();
    assertThat(Span.parse("rotation_period", "P36500D")).isNotNull();
    for (String text : new String[] {"P101Y", "P1201M", "P999999999Y", "P36526D", "PT9223372036854775807S"}) {
      assertThatThrownBy(() -> Span.parse("rotation_period", text))
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
  }

  @Test
  void text_printsWholeDaysAsDays() {
    assertThat(Durations.text(java.time.Duration.ofDays(32))).isEqualTo("P32D");
    assertThat(Durations.text(java.time.Duration.ofHours(1))).isEqualTo("PT1H");
    assertThat(Durations.text(java.time.Duration.ZERO)).isEqualTo("PT0S");
    assertThat(Durations.text(java.time.Duration.ofMillis(100))).isEqualTo("PT0.1S");
  }
}
