package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Versions still used by consumers are not retired, disabled or scheduled for destruction without force. */
class KeyServiceVersionGuardTest {
  private final Services s = new Services();

  @BeforeEach
  void setUp() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    s.keys.guardVersions((namespace, key, version) -> version == 1 ? List.of("billing-db", "ledger") : List.of());
  }

  @Test
  void retire_versionInUse_refusedNamingTheConsumers() {
    for (VersionAction action : List.of(VersionAction.RETIRE, VersionAction.DISABLE, VersionAction.SCHEDULE_DESTROY)) {
      assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, action, null))
          .isInstanceOf(RekeyException.class)
          .satisfies(e -> assertThat(((RekeyException) e).code()).isEqualTo(ErrorCode.VERSION_IN_USE))
          .hasMessageContaining("billing-db, ledger").hasMessageContaining("force");
    }
    assertThat(s.keys.get(NS, "orders").requireVersion(1).state()).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void retire_forced_proceedsAndNamesTheOverriddenConsumers() {
    KeyService.GuardedChange done = s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null, true);
    assertThat(done.key().requireVersion(1).state()).isEqualTo(VersionState.RETIRED);
    assertThat(done.overriddenConsumers()).containsExactly("billing-db", "ledger");
  }

  @Test
  void actionsThatTakeNothingAway_areNotChecked() {
    s.keys.changeVersion(NS, "orders", 1, VersionAction.PROMOTE, null);
    assertThat(s.keys.get(NS, "orders").primary().number()).isEqualTo(1);
  }

  @Test
  void versionNobodyUses_retiresWithoutForce() {
    s.keys.rotate(NS, "orders", true);
    KeyService.GuardedChange done = s.keys.changeVersion(NS, "orders", 2, VersionAction.RETIRE, null, false);
    assertThat(done.key().requireVersion(2).state()).isEqualTo(VersionState.RETIRED);
    assertThat(done.overriddenConsumers()).isEmpty();
  }
}
