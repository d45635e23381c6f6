package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.testing.InMemoryKeyRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class KeyServiceTest {
  private final Services s = new Services();

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static List<VersionState> states(Key k) {
    return k.versions().stream().map(KeyVersion::state).toList();
  }

  @Test
  void create_newKey_storedWithPrimaryVersion1AndBoundMaterial() {
    Key k = s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of("team", "pay"));
    assertThat(s.keys.get(NS, "orders")).isEqualTo(k);
    assertThat(states(k)).containsExactly(VersionState.PRIMARY);
    assertThat(k.createdAt()).isEqualTo(Services.T0);
    assertThat(k.primary().material().rootKeyId()).isEqualTo(s.ring.currentId());
    // The material is 32 bytes bound to (namespace, name, version): another binding does not open it.
    assertThat(s.ring.unwrap(k.primary().material(), MaterialBinding.keyVersion(NS, "orders", 1)).length()).isEqualTo(32);
    assertCode(() -> s.ring.unwrap(k.primary().material(), MaterialBinding.keyVersion(NS, "orders", 2)),
        ErrorCode.DECRYPTION_FAILED);
  }

  @Test
  void create_duplicateName_throwsAlreadyExists() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    assertCode(() -> s.keys.create(NS, "orders", KeyType.HMAC_SHA256, Map.of()), ErrorCode.ALREADY_EXISTS);
    s.keys.create("other", "orders", KeyType.AES256_GCM, Map.of());
  }

  @Test
  void create_invalidNameNamespaceOrTags_throwsInvalidRequest() {
    assertCode(() -> s.keys.create(NS, "", KeyType.AES256_GCM, Map.of()), ErrorCode.INVALID_REQUEST);
    assertCode(() -> s.keys.create("UPPER", "k", KeyType.AES256_GCM, Map.of()), ErrorCode.INVALID_REQUEST);
    assertCode(() -> s.keys.create(NS, "k", KeyType.AES256_GCM, Map.of("t", "x".repeat(257))), ErrorCode.INVALID_REQUEST);
    assertThat(s.repo.all()).isEmpty();
  }

  @Test
  void get_missingKey_throwsNotFound() {
    assertCode(() -> s.keys.get(NS, "nope"), ErrorCode.NOT_FOUND);
    assertCode(() -> s.keys.rotate(NS, "nope", true), ErrorCode.NOT_FOUND);
  }

  @Test
  void list_pagesByNameAndChecksLimit() {
    for (String n : new String[] {"c", "a", "b"}) {
      s.keys.create(NS, n, KeyType.AES256_GCM, Map.of());
    }
    assertThat(s.keys.list(NS, null, 2)).extracting(Key::name).containsExactly("a", "b");
    assertThat(s.keys.list(NS, "b", 2)).extracting(Key::name).containsExactly("c");
    assertCode(() -> s.keys.list(NS, null, 0), ErrorCode.INVALID_REQUEST);
    assertCode(() -> s.keys.list(NS, null, KeyService.MAX_PAGE + 1), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void rotate_promoteAndPending_storedWithFreshBoundMaterial() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    Key k = s.keys.rotate(NS, "orders", false);
    assertThat(states(k)).containsExactly(VersionState.ACTIVE, VersionState.PRIMARY, VersionState.PENDING);
    assertThat(s.keys.get(NS, "orders")).isEqualTo(k);
    for (KeyVersion v : k.versions()) {
      assertThat(s.ring.unwrap(v.material(), MaterialBinding.keyVersion(NS, "orders", v.number())).length())
          .isEqualTo(32);
    }
    assertThat(k.requireVersion(1).material()).isNotEqualTo(k.requireVersion(2).material());
  }

  @Test
  void emergencyRotate_revokesOldPrimary() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Key k = s.keys.emergencyRotate(NS, "orders").key();
    assertThat(states(k)).containsExactly(VersionState.REVOKED, VersionState.PRIMARY);
  }

  @Test
  void emergencyRotate_ofANamedVersion_revokesItWhereItIs_orReplacesItWhenPrimary() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    KeyService.EmergencyRotation active = s.keys.emergencyRotate(NS, "orders", 1);
    assertThat(active.revokedVersion()).isEqualTo(1);
    assertThat(active.revoked()).isTrue();
    assertThat(states(active.key())).containsExactly(VersionState.REVOKED, VersionState.PRIMARY);

    KeyService.EmergencyRotation again = s.keys.emergencyRotate(NS, "orders", 1);
    assertThat(again.revoked()).as("revoked before: this call revoked nothing").isFalse();
    assertThat(states(again.key())).as("already revoked: unchanged").containsExactly(VersionState.REVOKED,
        VersionState.PRIMARY);

    KeyService.EmergencyRotation primary = s.keys.emergencyRotate(NS, "orders", 2);
    assertThat(primary.revokedVersion()).isEqualTo(2);
    assertThat(states(primary.key())).containsExactly(VersionState.REVOKED, VersionState.REVOKED, VersionState.PRIMARY);

    assertThatThrownBy(() -> s.keys.emergencyRotate(NS, "orders", 7))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(s.keys.get(NS, "orders").latestVersion()).isEqualTo(3);
  }

  /**
   * Another node rotates between the emergency rotation's read and its write: the retry must still
   * revoke version 1 (the compromised primary), not the version 2 the other node just promoted,
   * which would leave version 1 active and decrypting.
   */
  @Test
  void emergencyRotate_concurrentRotation_stillRevokesTheCompromisedVersion() {
    AtomicInteger interleave = new AtomicInteger(1);
    Services[] other = new Services[1];
    InMemoryKeyRepository racing = new InMemoryKeyRepository() {
      @Override
      public void update(Key updated, long expectedRevision) {
        if (interleave.getAndDecrement() == 1) {
          other[0].keys.rotate(NS, "orders", true); // commits first: this update then conflicts
        }
        super.update(updated, expectedRevision);
      }
    };
    Services node = new Services(racing, s.ring, Duration.ofMinutes(1));
    other[0] = node.otherNode(Duration.ofMinutes(1));
    node.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());

    KeyService.EmergencyRotation done = node.keys.emergencyRotate(NS, "orders");

    assertThat(done.revokedVersion()).isEqualTo(1);
    assertThat(states(done.key())).containsExactly(VersionState.REVOKED, VersionState.PRIMARY);
    assertThat(node.keys.get(NS, "orders").canDecryptWith(1)).isFalse();
  }

  /** Two emergency rotations of the same compromised primary at once: one new primary, not two revocations. */
  @Test
  void emergencyRotate_concurrentEmergencyRotation_revokesOnceAndChangesNothingMore() {
    AtomicInteger interleave = new AtomicInteger(1);
    Services[] other = new Services[1];
    InMemoryKeyRepository racing = new InMemoryKeyRepository() {
      @Override
      public void update(Key updated, long expectedRevision) {
        if (interleave.getAndDecrement() == 1) {
          other[0].keys.emergencyRotate(NS, "orders");
        }
        super.update(updated, expectedRevision);
      }
    };
    Services node = new Services(racing, s.ring, Duration.ofMinutes(1));
    other[0] = node.otherNode(Duration.ofMinutes(1));
    node.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());

    KeyService.EmergencyRotation done = node.keys.emergencyRotate(NS, "orders");

    assertThat(done.revokedVersion()).isEqualTo(1);
    assertThat(done.revoked()).as("the other node revoked it: this call did not").isFalse();
    assertThat(states(done.key())).containsExactly(VersionState.REVOKED, VersionState.PRIMARY);
  }

  @Test
  void changeVersion_everyAction_appliesTheLifecycle() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    s.keys.rotate(NS, "orders", false);
    assertThat(states(s.keys.changeVersion(NS, "orders", 3, VersionAction.PROMOTE, null)))
        .containsExactly(VersionState.ACTIVE, VersionState.ACTIVE, VersionState.PRIMARY);
    assertThat(s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null).requireVersion(1).state())
        .isEqualTo(VersionState.RETIRED);
    assertThat(s.keys.changeVersion(NS, "orders", 2, VersionAction.DISABLE, null).requireVersion(2).state())
        .isEqualTo(VersionState.DISABLED);
    assertThat(s.keys.changeVersion(NS, "orders", 2, VersionAction.ENABLE, null).requireVersion(2).state())
        .isEqualTo(VersionState.ACTIVE);
    assertThat(s.keys.changeVersion(NS, "orders", 2, VersionAction.REVOKE, null).requireVersion(2).state())
        .isEqualTo(VersionState.REVOKED);
    Key scheduled = s.keys.changeVersion(NS, "orders", 1, VersionAction.SCHEDULE_DESTROY, null);
    assertThat(scheduled.requireVersion(1).destroyAfter()).isEqualTo(Services.T0.plus(Duration.ofDays(30)));
    assertThat(s.keys.changeVersion(NS, "orders", 1, VersionAction.CANCEL_DESTROY, null).requireVersion(1).state())
        .isEqualTo(VersionState.DISABLED);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.SCHEDULE_DESTROY, 7);
    assertCode(() -> s.keys.changeVersion(NS, "orders", 1, VersionAction.DESTROY, null), ErrorCode.ILLEGAL_STATE);
    s.clock.advance(Duration.ofDays(7));
    Key destroyed = s.keys.changeVersion(NS, "orders", 1, VersionAction.DESTROY, null);
    assertThat(destroyed.requireVersion(1).state()).isEqualTo(VersionState.DESTROYED);
    assertThat(s.keys.get(NS, "orders").requireVersion(1).material()).isNull();
  }

  @Test
  void scheduleDestroy_pendingDaysOutOfRangeOrBelowPurgeProtection_throwsInvalidRequest() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.rotate(NS, "orders", true);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.DISABLE, null);
    for (int days : new int[] {0, -1, 366, 6}) {
      assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, VersionAction.SCHEDULE_DESTROY, days))
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
    assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, VersionAction.SCHEDULE_DESTROY, 6))
        .hasMessageContaining("purge protection");
    assertThat(s.keys.get(NS, "orders").requireVersion(1).state()).isEqualTo(VersionState.DISABLED);
  }

  @Test
  void changeVersion_illegal_throwsAndStoresNothing() {
    Key k = s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    for (VersionAction a : VersionAction.values()) {
      assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, a, null)).isInstanceOf(RekeyException.class);
    }
    assertCode(() -> s.keys.changeVersion(NS, "orders", 9, VersionAction.RETIRE, null), ErrorCode.NOT_FOUND);
    assertThat(s.keys.get(NS, "orders")).isEqualTo(k);
  }

  @Test
  void update_minimumsAndTags_nullLeavesSettingAlone() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of("a", "1"));
    s.keys.rotate(NS, "orders", true);
    s.keys.rotate(NS, "orders", true);
    Key k = s.keys.update(NS, "orders", 2, null, null);
    assertThat(k.minDecryptionVersion()).isEqualTo(2);
    assertThat(k.minEncryptionVersion()).isEqualTo(1);
    assertThat(k.tags()).containsEntry("a", "1");
    assertThat(states(k)).containsExactly(VersionState.RETIRED, VersionState.ACTIVE, VersionState.PRIMARY);
    k = s.keys.update(NS, "orders", null, 3, Map.of("b", "2"));
    assertThat(k.minDecryptionVersion()).isEqualTo(2);
    assertThat(k.minEncryptionVersion()).isEqualTo(3);
    assertThat(k.tags()).containsExactly(Map.entry("b", "2"));
    assertCode(() -> s.keys.update(NS, "orders", 4, null, null), ErrorCode.INVALID_REQUEST);
    assertThat(s.keys.get(NS, "orders")).isEqualTo(k);
  }

  @Test
  void change_concurrentModification_isRetried() {
    AtomicInteger failures = new AtomicInteger(3);
    InMemoryKeyRepository flaky = new InMemoryKeyRepository() {
      @Override
      public synchronized void update(Key updated, long expectedRevision) {
        if (failures.getAndDecrement() > 0) {
          throw RekeyException.concurrentModification("simulated");
        }
        super.update(updated, expectedRevision);
      }
    };
    Services node = new Services(flaky, s.ring, Duration.ofMinutes(1));
    node.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Key k = node.keys.rotate(NS, "orders", true);
    assertThat(k.latestVersion()).isEqualTo(2);
    // The retried operation used fresh material bound to version 2.
    assertThat(s.ring.unwrap(k.primary().material(), MaterialBinding.keyVersion(NS, "orders", 2)).length()).isEqualTo(32);
  }

  @Test
  void change_alwaysConcurrentlyModified_givesUpWithConcurrentModification() {
    InMemoryKeyRepository busy = new InMemoryKeyRepository() {
      @Override
      public synchronized void update(Key updated, long expectedRevision) {
        throw RekeyException.concurrentModification("simulated");
      }
    };
    Services node = new Services(busy, s.ring, Duration.ofMinutes(1));
    node.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    assertCode(() -> node.keys.rotate(NS, "orders", true), ErrorCode.CONCURRENT_MODIFICATION);
  }

  @Test
  void rotate_invalidatesThisNodesCache_encryptUsesNewPrimaryAtOnce() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    assertThat(s.crypto.encrypt(NS, "orders", new byte[] {1}, null).version()).isEqualTo(1);
    s.keys.rotate(NS, "orders", true);
    assertThat(s.crypto.encrypt(NS, "orders", new byte[] {1}, null).version()).isEqualTo(2);
  }

  @Test
  void versionAction_fromWire_knowsEveryActionAndRejectsOthers() {
    for (VersionAction a : VersionAction.values()) {
      assertThat(VersionAction.fromWire(a.wireName())).isEqualTo(a);
    }
    assertThat(VersionAction.SCHEDULE_DESTROY.wireName()).isEqualTo("schedule-destroy");
    assertCode(() -> VersionAction.fromWire("PROMOTE"), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void clock_drivesTimestamps() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.clock.advance(Duration.ofHours(5));
    Key k = s.keys.rotate(NS, "orders", true);
    assertThat(k.requireVersion(2).createdAt()).isEqualTo(Instant.parse("2026-01-01T05:00:00Z"));
  }
}
