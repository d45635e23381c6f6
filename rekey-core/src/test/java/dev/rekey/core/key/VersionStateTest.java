package dev.rekey.core.key;

import static dev.rekey.core.key.VersionState.ACTIVE;
import static dev.rekey.core.key.VersionState.DESTROYED;
import static dev.rekey.core.key.VersionState.DESTROY_SCHEDULED;
import static dev.rekey.core.key.VersionState.DISABLED;
import static dev.rekey.core.key.VersionState.PENDING;
import static dev.rekey.core.key.VersionState.PRIMARY;
import static dev.rekey.core.key.VersionState.RETIRED;
import static dev.rekey.core.key.VersionState.REVOKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lifecycle table of DESIGN.md section 3, written out here independently of the main code: a
 * change to the state machine must change this table too.
 */
class VersionStateTest {

  /** from -> the states it may move to. Every pair not listed is illegal. */
  private static final Map<VersionState, Set<VersionState>> EXPECTED = Map.of(
      PENDING, EnumSet.of(PRIMARY, DISABLED, REVOKED, DESTROY_SCHEDULED),
      PRIMARY, EnumSet.of(ACTIVE, REVOKED),
      ACTIVE, EnumSet.of(PRIMARY, RETIRED, DISABLED, REVOKED),
      RETIRED, EnumSet.of(ACTIVE, DISABLED, REVOKED, DESTROY_SCHEDULED),
      DISABLED, EnumSet.of(ACTIVE, RETIRED, REVOKED, DESTROY_SCHEDULED),
      REVOKED, EnumSet.of(DESTROY_SCHEDULED),
      DESTROY_SCHEDULED, EnumSet.of(DESTROYED, DISABLED, REVOKED),
      DESTROYED, EnumSet.noneOf(VersionState.class));

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final WrappedKey MATERIAL = new WrappedKey(new byte[] {1, 2, 3}, "root-test");

  static Stream<Arguments> allPairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (VersionState from : VersionState.values()) {
      for (VersionState to : VersionState.values()) {
        pairs.add(Arguments.of(from, to, EXPECTED.get(from).contains(to)));
      }
    }
    return pairs.stream();
  }

  @Test
  void table_coversEveryState() {
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(VersionState.values());
    assertThat(allPairs()).hasSize(64);
  }

  @ParameterizedTest(name = "{0} -> {1} legal={2}")
  @MethodSource("allPairs")
  void canMoveTo_everyPair_matchesExpectedTable(VersionState from, VersionState to, boolean legal) {
    assertThat(from.canMoveTo(to)).isEqualTo(legal);
    assertThat(from.allowedNext().contains(to)).isEqualTo(legal);
  }

  @ParameterizedTest(name = "{0} -> {1} legal={2}")
  @MethodSource("allPairs")
  void keyVersionMoveTo_everyPair_movesOrThrowsIllegalState(VersionState from, VersionState to, boolean legal) {
    KeyVersion v = versionIn(from);
    Instant later = T0.plusSeconds(60);
    Instant destroyAfter = T0.plusSeconds(3600);
    if (legal) {
      KeyVersion moved = v.moveTo(to, later, destroyAfter);
      assertThat(moved.state()).isEqualTo(to);
      assertThat(moved.stateChangedAt()).isEqualTo(later);
      assertThat(moved.number()).isEqualTo(v.number());
      assertThat(moved.createdAt()).isEqualTo(T0);
      assertThat(moved.material()).isEqualTo(to == DESTROYED ? null : MATERIAL);
      assertThat(moved.destroyAfter()).isEqualTo(to == DESTROY_SCHEDULED ? destroyAfter : null);
    } else {
      assertThatThrownBy(() -> v.moveTo(to, later, destroyAfter))
          .isInstanceOfSatisfying(RekeyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
            assertThat(e.getMessage()).contains("cannot move from " + from.wireName() + " to " + to.wireName());
          });
    }
  }

  @Test
  void destroyed_isFinal_allowsNothing() {
    assertThat(DESTROYED.allowedNext()).isEmpty();
    for (VersionState to : VersionState.values()) {
      assertThat(DESTROYED.canMoveTo(to)).as("destroyed -> %s", to).isFalse();
    }
    assertThatThrownBy(() -> versionIn(DESTROYED).moveTo(ACTIVE, T0, null))
        .hasMessageContaining("(it is final)");
  }

  @Test
  void allowedNext_isACopy_cannotChangeTheTable() {
    Set<VersionState> next = PENDING.allowedNext();
    next.add(DESTROYED);
    assertThat(PENDING.canMoveTo(DESTROYED)).isFalse();
  }

  @Test
  void decrypts_onlyPrimaryAndActive() {
    for (VersionState s : VersionState.values()) {
      assertThat(s.decrypts()).as(s.name()).isEqualTo(s == PRIMARY || s == ACTIVE);
      assertThat(s.hasMaterial()).as(s.name()).isEqualTo(s != DESTROYED);
    }
  }

  @Test
  void wireName_isLowerCaseName() {
    assertThat(DESTROY_SCHEDULED.wireName()).isEqualTo("destroy_scheduled");
    assertThat(PRIMARY.wireName()).isEqualTo("primary");
  }

  @Test
  void revokedVersion_scheduledForDestruction_staysMarkedRevoked() {
    KeyVersion revoked = versionIn(ACTIVE).moveTo(REVOKED, T0.plusSeconds(1), null);
    KeyVersion scheduled = revoked.moveTo(DESTROY_SCHEDULED, T0.plusSeconds(2), T0.plusSeconds(99));
    assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(scheduled.revokedAt()).isEqualTo(T0.plusSeconds(1));
  }

  private static KeyVersion versionIn(VersionState state) {
    return new KeyVersion(3, state, state == DESTROYED ? null : MATERIAL, T0, T0,
        state == REVOKED ? T0 : null, state == DESTROY_SCHEDULED ? T0.plusSeconds(10) : null);
  }
}
