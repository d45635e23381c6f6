package dev.rekey.core.campaign;

import static dev.rekey.core.campaign.CampaignState.CANCELLED;
import static dev.rekey.core.campaign.CampaignState.CANCELLING;
import static dev.rekey.core.campaign.CampaignState.COMPLETED;
import static dev.rekey.core.campaign.CampaignState.FAILED;
import static dev.rekey.core.campaign.CampaignState.PAUSED;
import static dev.rekey.core.campaign.CampaignState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CampaignStateTest {
  static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");

  /** The documented table, written out once more: every pair not listed is illegal. */
  static final Map<CampaignState, Set<CampaignState>> LEGAL = Map.of(
      RUNNING, EnumSet.of(PAUSED, CANCELLING, COMPLETED, FAILED),
      PAUSED, EnumSet.of(RUNNING, CANCELLING, FAILED),
      CANCELLING, EnumSet.of(CANCELLED, FAILED),
      COMPLETED, EnumSet.noneOf(CampaignState.class),
      CANCELLED, EnumSet.noneOf(CampaignState.class),
      FAILED, EnumSet.noneOf(CampaignState.class));

  static RewrapCampaign in(CampaignState state) {
    RewrapCampaign c = RewrapCampaign.start("default", "kek", 1, 2, "api", 100, 1000, 0, T0);
    return new RewrapCampaign(7, c.namespace(), c.kek(), 1, 2, state, "api", 100, 40, 0, 40, 0, 1000, 0, 10, T0, T0,
        null, "node-a", T0.plusSeconds(30), null);
  }

  @Test
  void everyTransition_isLegalExactlyWhenTheTableSaysSo() {
    for (CampaignState from : CampaignState.values()) {
      for (CampaignState to : CampaignState.values()) {
        boolean legal = LEGAL.get(from).contains(to);
        assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(legal);
        if (legal) {
          assertThat(in(from).moveTo(to, T0.plusSeconds(1), null).state()).isEqualTo(to);
        } else {
          assertThatThrownBy(() -> in(from).moveTo(to, T0, null)).as(from + " -> " + to)
              .isInstanceOfSatisfying(RekeyException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
                assertThat(e.getMessage()).contains(from.wireName()).contains(to.wireName());
              });
        }
      }
    }
  }

  @Test
  void finalStates_areExactlyCompletedCancelledFailed_andRunnableStatesRunningAndCancelling() {
    assertThat(EnumSet.allOf(CampaignState.class).stream().filter(CampaignState::isFinal))
        .containsExactlyInAnyOrder(COMPLETED, CANCELLED, FAILED);
    assertThat(EnumSet.allOf(CampaignState.class).stream().filter(CampaignState::runnable))
        .containsExactlyInAnyOrder(RUNNING, CANCELLING);
  }

  @Test
  void moveTo_aFinalState_setsFinishedAt_andDropsTheLease() {
    RewrapCampaign done = in(RUNNING).moveTo(COMPLETED, T0.plusSeconds(5), null);
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(done.leaseOwner()).isNull();
    assertThat(done.remaining()).isZero();
  }

  @Test
  void moveTo_cancellingFromRunning_keepsTheLease_pausingDropsIt() {
    assertThat(in(RUNNING).moveTo(CANCELLING, T0, "x").leaseOwner()).isEqualTo("node-a");
    assertThat(in(RUNNING).moveTo(PAUSED, T0, null).leaseOwner()).isNull();
  }

  @Test
  void fromWire_roundTrips_andRejectsUnknownNames() {
    for (CampaignState s : CampaignState.values()) {
      assertThat(CampaignState.fromWire(s.wireName())).isEqualTo(s);
    }
    assertThatThrownBy(() -> CampaignState.fromWire("done")).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
