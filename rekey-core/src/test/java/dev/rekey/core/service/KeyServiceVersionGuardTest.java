package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.consumer.ConsumerVersionUsers;
import dev.rekey.core.key.Key;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemoryConsumerRepository;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Versions still used by consumers are not retired (by the action or by raising the minimum
 * decryption version), disabled or scheduled for destruction without force.
 */
class KeyServiceVersionGuardTest {
  private final Services s = new Services();
  /** Consumers per version of "orders"; tests move them. */
  private final Map<Integer, List<String>> users = new HashMap<>();

  @BeforeEach
  void setUp() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    users.put(1, List.of("billing-db", "ledger"));
    s.keys.guardVersions((namespace, key, version) -> users.getOrDefault(version, List.of()));
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

  @Test
  void raiseMinDecryption_versionInUse_refusedNamingTheConsumers_andNothingChanges() {
    assertThatThrownBy(() -> s.keys.update(NS, "orders", 2, null, null))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE))
        .hasMessageContaining("version 1 of key 'orders' is still used by consumers billing-db, ledger")
        .hasMessageContaining("force");
    Key key = s.keys.get(NS, "orders");
    assertThat(key.minDecryptionVersion()).isEqualTo(1);
    assertThat(key.requireVersion(1).state()).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void raiseMinDecryption_forced_retiresAndNamesTheOverriddenConsumers() {
    KeyService.GuardedChange done = s.keys.update(NS, "orders", 2, null, null, null, true);
    assertThat(done.key().minDecryptionVersion()).isEqualTo(2);
    assertThat(done.key().requireVersion(1).state()).isEqualTo(VersionState.RETIRED);
    assertThat(done.overriddenConsumers()).containsExactly("billing-db", "ledger");
  }

  @Test
  void raiseMinDecryption_afterTheConsumersMoved_retiresWithoutForce() {
    assertThatThrownBy(() -> s.keys.update(NS, "orders", 2, null, null)).isInstanceOf(RekeyException.class);
    users.remove(1);
    KeyService.GuardedChange done = s.keys.update(NS, "orders", 2, null, null, null, false);
    assertThat(done.key().requireVersion(1).state()).isEqualTo(VersionState.RETIRED);
    assertThat(done.overriddenConsumers()).isEmpty();
  }

  @Test
  void raiseMinDecryption_pastSeveralVersions_namesEveryVersionInUseAndItsConsumersOnce() {
    s.keys.rotate(NS, "orders", true);
    users.put(2, List.of("ledger", "reports"));
    assertThatThrownBy(() -> s.keys.update(NS, "orders", 3, null, null))
        .hasMessageContaining("versions 1, 2 of key 'orders' are still used by consumers billing-db, ledger, reports");
    assertThat(s.keys.update(NS, "orders", 3, null, null, null, true).overriddenConsumers())
        .containsExactly("billing-db", "ledger", "reports");
  }

  @Test
  void raiseMinDecryption_pastAVersionAlreadyRetired_doesNotAskItsConsumers() {
    s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null, true);
    KeyService.GuardedChange done = s.keys.update(NS, "orders", 2, null, null, null, false);
    assertThat(done.key().minDecryptionVersion()).isEqualTo(2);
    assertThat(done.overriddenConsumers()).isEmpty();
  }

  @Test
  void updateThatRetiresNothing_isNotChecked() {
    assertThat(s.keys.update(NS, "orders", null, 2, Map.of("team", "pay")).tags()).containsEntry("team", "pay");
    s.keys.update(NS, "orders", 2, null, null, null, true);
    Key lowered = s.keys.update(NS, "orders", 1, null, null);
    assertThat(lowered.requireVersion(1).state()).isEqualTo(VersionState.ACTIVE);
  }

  /** The reported case, with a real consumer registry: a pinned binding on version 1 blocks the raise. */
  @Test
  void raiseMinDecryption_pinnedBindingOnTheVersion_refusedUntilTheConsumerConfirmsTheNewVersion() {
    InMemoryConsumerRepository registry = new InMemoryConsumerRepository();
    ConsumerService consumers = new ConsumerService(registry, s.repo, Transactions.direct(), s.events,
        () -> s.ring, s.clock);
    s.keys.guardVersions(new ConsumerVersionUsers(registry, s.clock));
    consumers.register(NS, "c-app", null, Map.of(), null, null, null);
    consumers.bind(NS, "c-app", "orders", BindingMode.PINNED, 1);

    assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE));
    assertThatThrownBy(() -> s.keys.update(NS, "orders", 2, null, null))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE))
        .hasMessageContaining("c-app");
    assertThat(s.keys.get(NS, "orders").requireVersion(1).state()).isEqualTo(VersionState.ACTIVE);

    consumers.confirm(NS, "c-app", "orders", 2);
    s.clock.advance(Duration.ofSeconds(1));
    KeyService.GuardedChange done = s.keys.update(NS, "orders", 2, null, null, null, false);
    assertThat(done.key().requireVersion(1).state()).isEqualTo(VersionState.RETIRED);
    assertThat(done.overriddenConsumers()).isEmpty();
  }
}
