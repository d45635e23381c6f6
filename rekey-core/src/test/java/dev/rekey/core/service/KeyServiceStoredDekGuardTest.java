package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A KEK version that stored data keys are still wrapped by keeps them readable: it can be revoked
 * (emergency), but not disabled, scheduled for destruction or destroyed until a re-wrap campaign has
 * moved them; consumers' force does not override this.
 */
class KeyServiceStoredDekGuardTest {
  /** Stored DEKs per version of "tenants"; tests move them as a campaign would. */
  private final Map<Integer, Long> wrapped = new HashMap<>();
  private final Services s = new Services((namespace, key, from, toExclusive) -> wrapped.entrySet().stream()
      .filter(e -> key.equals("tenants") && e.getKey() >= from && e.getKey() < toExclusive)
      .mapToLong(Map.Entry::getValue).sum());

  @BeforeEach
  void setUp() {
    s.keys.create(NS, "tenants", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "tenants", true);
    wrapped.put(1, 7L);
  }

  private VersionState state(int version) {
    return s.keys.get(NS, "tenants").requireVersion(version).state();
  }

  private static void assertRefusedNamingTheDeks(ThrowingCallable call, String what) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE))
        .hasMessageContaining("cannot " + what + " version 1 of key 'tenants'")
        .hasMessageContaining("7 stored data keys are still wrapped by version 1")
        .hasMessageContaining("re-wrap campaign must move them")
        .hasMessageContaining("--from-version 1");
  }

  @Test
  void disable_versionWrappingStoredDeks_refusedNamingTheCount() {
    assertRefusedNamingTheDeks(() -> s.keys.changeVersion(NS, "tenants", 1, VersionAction.DISABLE, null), "disable");
    assertThat(state(1)).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void scheduleDestroy_versionWrappingStoredDeks_refusedNamingTheCount() {
    assertRefusedNamingTheDeks(() -> s.keys.changeVersion(NS, "tenants", 1, VersionAction.SCHEDULE_DESTROY, 7),
        "schedule destruction of");
    assertThat(state(1)).isEqualTo(VersionState.ACTIVE);
  }

  /** The reported case: revoke is allowed at once, and the DEKs then block destruction, not the revocation. */
  @Test
  void revoke_versionWrappingStoredDeks_isAllowed_butItsDestructionIsRefused() {
    assertThat(s.keys.changeVersion(NS, "tenants", 1, VersionAction.REVOKE, null).requireVersion(1).state())
        .isEqualTo(VersionState.REVOKED);
    assertRefusedNamingTheDeks(() -> s.keys.changeVersion(NS, "tenants", 1, VersionAction.SCHEDULE_DESTROY, 7),
        "schedule destruction of");
    assertThat(state(1)).isEqualTo(VersionState.REVOKED);
  }

  @Test
  void emergencyRotate_primaryWrappingStoredDeks_isAllowed() {
    wrapped.put(2, 3L);
    assertThat(s.keys.emergencyRotate(NS, "tenants").key().requireVersion(2).state()).isEqualTo(VersionState.REVOKED);
  }

  /** A version scheduled for destruction while it wrapped no DEKs, and then found wrapping some, is not destroyed. */
  @Test
  void destroy_versionWrappingStoredDeks_refusedEvenAfterItsWaitingPeriod() {
    wrapped.remove(1);
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.REVOKE, null);
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.SCHEDULE_DESTROY, 7);
    s.clock.advance(Duration.ofDays(8));
    wrapped.put(1, 7L);
    assertRefusedNamingTheDeks(() -> s.keys.changeVersion(NS, "tenants", 1, VersionAction.DESTROY, null), "destroy");
    assertThat(state(1)).isEqualTo(VersionState.DESTROY_SCHEDULED);
  }

  @Test
  void consumersForce_doesNotOverrideTheStoredDekGuard() {
    s.keys.guardVersions((namespace, key, version) -> List.of("billing"));
    for (VersionAction action : List.of(VersionAction.RETIRE, VersionAction.DISABLE, VersionAction.SCHEDULE_DESTROY)) {
      assertThatThrownBy(() -> s.keys.changeVersion(NS, "tenants", 1, action, 7, true))
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
    }
    assertThatThrownBy(() -> s.keys.update(NS, "tenants", 2, null, null, null, true))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
    assertThat(state(1)).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void versionsWrappingNoStoredDeks_areNotHeldBack() {
    s.keys.rotate(NS, "tenants", true);
    s.keys.changeVersion(NS, "tenants", 2, VersionAction.DISABLE, null);
    assertThat(state(2)).isEqualTo(VersionState.DISABLED);
  }

  /** Once a re-wrap campaign has moved the DEKs of the revoked version, its destruction proceeds to the end. */
  @Test
  void revokedVersion_afterItsDeksMoved_isScheduledAndDestroyed() {
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.REVOKE, null);
    wrapped.remove(1);
    wrapped.put(2, 7L);
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.SCHEDULE_DESTROY, 7);
    s.clock.advance(Duration.ofDays(8));
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.DESTROY, null);
    assertThat(state(1)).isEqualTo(VersionState.DESTROYED);
  }

  @Test
  void activeVersion_afterItsDeksMoved_isDisabled() {
    assertThatThrownBy(() -> s.keys.changeVersion(NS, "tenants", 1, VersionAction.DISABLE, null))
        .isInstanceOf(RekeyException.class);
    wrapped.remove(1);
    s.keys.changeVersion(NS, "tenants", 1, VersionAction.DISABLE, null);
    assertThat(state(1)).isEqualTo(VersionState.DISABLED);
  }
}
