package dev.rekey.core.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RewrapCampaignTest {
  static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");

  static RewrapCampaign fresh(long total) {
    return RewrapCampaign.start("default", "kek", 1, 2, "api", total, 100, 0, T0);
  }

  @Test
  void progress_countsDoneRemainingAndRate() {
    RewrapCampaign c = fresh(250).afterForwardBatch(100, 100, 500_000_000L, T0.plusSeconds(1));

    assertThat(c.done()).isEqualTo(100);
    assertThat(c.remaining()).isEqualTo(150);
    assertThat(c.checkpoint()).isEqualTo(100);
    assertThat(c.rate()).isEqualTo(200.0);
    assertThat(fresh(10).rate()).isZero();
  }

  @Test
  void cancelling_countsWhatIsLeftToRollBack() {
    RewrapCampaign c = fresh(250).afterForwardBatch(100, 100, 1, T0).moveTo(CampaignState.CANCELLING, T0, "x")
        .afterRollbackBatch(40, 30, 1, T0);

    assertThat(c.remaining()).isEqualTo(70);
    assertThat(c.rollbackCheckpoint()).isEqualTo(40);
    assertThat(c.checkpoint()).isEqualTo(100);
  }

  @Test
  void restartPass_goesBackToTheFirstRow_andCountsTheStragglers() {
    RewrapCampaign c = fresh(20).afterForwardBatch(500, 20, 1, T0).restartPass(3);

    assertThat(c.checkpoint()).isZero();
    assertThat(c.total()).isEqualTo(23);
    assertThat(c.remaining()).isEqualTo(3);
  }

  @Test
  void doneBeyondTheCountAtStart_raisesTheTotal() {
    RewrapCampaign c = fresh(5).afterForwardBatch(9, 8, 1, T0);
    assertThat(c.total()).isEqualTo(8);
    assertThat(c.remaining()).isZero();
  }

  @Test
  void constructor_rejectsSameVersions_andOutOfRangeThrottle() {
    assertThatThrownBy(() -> RewrapCampaign.start("default", "kek", 2, 2, "api", 1, 100, 0, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RewrapCampaign.start("default", "kek", 1, 2, "api", 1, 0, 0, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RewrapCampaign.start("default", "kek", 1, 2, "api", 1, 10, -1, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
