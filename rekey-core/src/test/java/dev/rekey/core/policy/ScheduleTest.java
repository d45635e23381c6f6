package dev.rekey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.PolicySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final Instant JAN_31 = Instant.parse("2026-01-31T10:00:00Z");

  private static Schedule every(String text) {
    return new Schedule.Every(Span.parse("rotation_period", text));
  }

  /** The first {@code n} scheduled times from the anchor, each asked after the previous. */
  private static List<String> first(Schedule s, Instant anchor, int n) {
    List<String> out = new ArrayList<>();
    Instant t = anchor;
    for (int i = 0; i < n; i++) {
      t = s.nextAfter(anchor, t);
      out.add(t.toString());
    }
    return out;
  }

  @Test
  void daily_everyDayAtTheAnchorTime() {
    assertThat(first(every("P1D"), Instant.parse("2026-03-28T02:30:00Z"), 3))
        .containsExactly("2026-03-29T02:30:00Z", "2026-03-30T02:30:00Z", "2026-03-31T02:30:00Z");
  }

  @Test
  void monthly_fromMonthEnd_clampsToShortMonths_withoutDrift() {
    assertThat(first(every("P1M"), JAN_31, 5)).containsExactly("2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z",
        "2026-04-30T10:00:00Z", "2026-05-31T10:00:00Z", "2026-06-30T10:00:00Z");
  }

  @Test
  void monthly_inLeapYear_februaryHas29Days() {
    assertThat(every("P1M").nextAfter(Instant.parse("2028-01-31T00:00:00Z"), Instant.parse("2028-01-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
  }

  @Test
  void quarterly_fromMonthEnd_keepsTheCalendar() {
    assertThat(first(every("P3M"), Instant.parse("2025-11-30T00:00:00Z"), 4)).containsExactly(
        "2026-02-28T00:00:00Z", "2026-05-30T00:00:00Z", "2026-08-30T00:00:00Z", "2026-11-30T00:00:00Z");
  }

  @Test
  void annual_fromLeapDay_fallsOnFeb28_thenBackOnLeapDay() {
    assertThat(first(every("P1Y"), Instant.parse("2024-02-29T12:00:00Z"), 4)).containsExactly(
        "2025-02-28T12:00:00Z", "2026-02-28T12:00:00Z", "2027-02-28T12:00:00Z", "2028-02-29T12:00:00Z");
  }

  @Test
  void ninetyDays_isExactDays() {
    assertThat(every("P90D").nextAfter(JAN_31, JAN_31)).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
  }

  @Test
  void duration_isExact() {
    assertThat(every("PT12H").nextAfter(JAN_31, JAN_31)).isEqualTo(Instant.parse("2026-01-31T22:00:00Z"));
  }

  @Test
  void afterDowntime_nextIsTheFirstScheduledTimeAfterTheRun_notEachMissedOne() {
    Instant runAfterDowntime = Instant.parse("2026-08-15T00:00:00Z");
    assertThat(every("P1M").nextAfter(JAN_31, runAfterDowntime)).isEqualTo(Instant.parse("2026-08-31T10:00:00Z"));
  }

  @Test
  void nextAfter_farFromAnchor_isExact() {
    Instant anchor = Instant.parse("2026-01-31T00:00:00Z");
    assertThat(every("P1M").nextAfter(anchor, Instant.parse("2226-02-27T00:00:00Z")))
        .isEqualTo(Instant.parse("2226-02-28T00:00:00Z"));
    assertThat(every("P1M").nextAfter(anchor, Instant.parse("2226-02-28T00:00:00Z")))
        .isEqualTo(Instant.parse("2226-03-31T00:00:00Z"));
  }

  @Test
  void nextAfter_exactlyAtAScheduledTime_isTheFollowingOne() {
    assertThat(every("P3M").nextAfter(JAN_31, Instant.parse("2026-04-30T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-07-31T10:00:00Z"));
  }

  @Test
  void cron_firstOfEachQuarterAt3Utc() {
    Schedule s = Schedule.Cron.parse("cron", "0 3 1 1,4,7,10 *");
    assertThat(first(s, JAN_31, 3)).containsExactly("2026-04-01T03:00:00Z", "2026-07-01T03:00:00Z",
        "2026-10-01T03:00:00Z");
  }

  @Test
  void cron_lastDayOfMonthIsNotExpressible_butDayListWorks() {
    Schedule s = Schedule.Cron.parse("cron", "30 0 * * 1");
    assertThat(s.nextAfter(JAN_31, JAN_31)).isEqualTo(Instant.parse("2026-02-02T00:30:00Z"));
  }

  @Test
  void cron_invalid_namesTheField() {
    assertThatThrownBy(() -> Schedule.Cron.parse("policies[1].cron", "61 * * * *"))
        .hasMessageStartingWith("policies[1].cron: '61 * * * *' is not a Unix five-field cron expression");
  }

  @Test
  void cron_thatNeverRuns_isInvalid() {
    assertThatThrownBy(() -> Schedule.Cron.parse("cron", "0 0 30 2 *")).hasMessageContaining("cron: '0 0 30 2 *'");
  }

  @Test
  void adHoc_noScheduleAtAll() {
    RotationPolicy p = RotationPolicy.from(new PolicySpec("namespace:payments", null, null, "P1Y", null, null, null,
        null, null, null, null), "");
    assertThat(p.schedule()).isNull();
    assertThat(p.notifyBefore()).extracting(Span::text).containsExactly("P30D", "P7D", "P1D");
  }

  @Test
  void shortestGap_isThePeriod_orTheCronExpressionsClosestRuns() {
    assertThat(every("PT12H").shortestGap()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(every("P1D").shortestGap()).isEqualTo(java.time.Duration.ofDays(1));
    assertThat(Schedule.Cron.parse("cron", "* * * * *").shortestGap()).isEqualTo(java.time.Duration.ofMinutes(1));
    // two runs a minute apart once a day: the gap that matters is the short one
    assertThat(Schedule.Cron.parse("cron", "0,1 3 * * *").shortestGap()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(Schedule.Cron.parse("cron", "0 3 * * *").shortestGap()).isEqualTo(java.time.Duration.ofDays(1));
    // monthly: February is the shortest month
    assertThat(Schedule.Cron.parse("cron", "0 3 1 * *").shortestGap()).isEqualTo(java.time.Duration.ofDays(28));
    // New Year's Eve and New Year's Day: a day apart once a year
    assertThat(Schedule.Cron.parse("cron", "0 0 1,31 1,12 *").shortestGap()).isEqualTo(java.time.Duration.ofDays(1));
  }
}
