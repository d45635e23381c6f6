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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class KeyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);
  private static final Instant T2 = T0.plusSeconds(120);

  static WrappedKey material(int n) {
    return new WrappedKey(new byte[] {(byte) n, 42, 43, 44}, "root-a");
  }

  static Key newKey() {
    return Key.create("default", "orders", KeyType.AES256_GCM, Map.of("team", "pay"), material(1), T0);
  }

  /** A key with versions 1..n, n PRIMARY, the others ACTIVE. */
  static Key keyWithVersions(int n) {
    Key k = newKey();
    for (int i = 2; i <= n; i++) {
      k = k.rotate(material(i), true, T0);
    }
    return k;
  }

  /** Applies {@code op}, checks the invariants and that the revision moved by exactly one. */
  private static Key step(Key before, java.util.function.UnaryOperator<Key> op) {
    Key after = op.apply(before);
    KeyInvariants.check(after);
    assertThat(after.revision()).isEqualTo(before.revision() + 1);
    return after;
  }

  private static void assertRejected(ThrowingCallable call, ErrorCode code, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  private static List<VersionState> states(Key k) {
    return k.versions().stream().map(KeyVersion::state).toList();
  }

  private static KeyVersion v(int number, VersionState state) {
    return KeyVersion.create(number, state, material(number), T0);
  }

  private static Key raw(List<KeyVersion> versions, int minDec, int minEnc) {
    return new Key("default", "orders", KeyType.AES256_GCM, versions, minDec, minEnc, Map.of(), false, T0, 0);
  }

  // ---- invariants of the constructor ----

  @Test
  void constructor_noVersions_throws() {
    assertThatThrownBy(() -> raw(List.of(), 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a key has at least one version");
  }

  @Test
  void constructor_noPrimary_throws() {
    assertThatThrownBy(() -> raw(List.of(v(1, ACTIVE), v(2, PENDING)), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no primary version");
  }

  @Test
  void constructor_twoPrimaries_throws() {
    assertThatThrownBy(() -> raw(List.of(v(1, PRIMARY), v(2, PRIMARY)), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two or more primary versions");
  }

  @Test
  void constructor_gapInVersionNumbers_throws() {
    assertThatThrownBy(() -> raw(List.of(v(1, ACTIVE), v(3, PRIMARY)), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("versions must be numbered 1..2 in order");
  }

  @Test
  void constructor_versionsOutOfOrder_throws() {
    assertThatThrownBy(() -> raw(List.of(v(2, PRIMARY), v(1, ACTIVE)), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("versions must be numbered 1..2 in order");
  }

  @Test
  void constructor_minDecryptionVersionOutOfRange_throws() {
    List<KeyVersion> versions = List.of(v(1, ACTIVE), v(2, PRIMARY), v(3, PENDING));
    for (int bad : new int[] {0, -1, 3}) {
      assertThatThrownBy(() -> raw(versions, bad, 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("minimum decryption version must be between 1 and the primary version");
    }
  }

  @Test
  void constructor_minEncryptionVersionOutOfRange_throws() {
    List<KeyVersion> versions = List.of(v(1, ACTIVE), v(2, PRIMARY), v(3, PENDING));
    for (int bad : new int[] {0, 3}) {
      assertThatThrownBy(() -> raw(versions, 1, bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("minimum encryption version must be between 1 and the primary version");
    }
  }

  @Test
  void constructor_invalidName_throwsInvalidRequest() {
    assertRejected(() -> Key.create("default", "bad name", KeyType.AES256_GCM, Map.of(), material(1), T0),
        ErrorCode.INVALID_REQUEST, "invalid key name");
    assertRejected(() -> Key.create("Default", "orders", KeyType.AES256_GCM, Map.of(), material(1), T0),
        ErrorCode.INVALID_REQUEST, "invalid namespace");
  }

  @Test
  void versionsList_isImmutableCopy() {
    Key k = newKey();
    assertThatThrownBy(() -> k.versions().add(v(2, ACTIVE))).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- create and rotate ----

  @Test
  void create_firstVersionIsPrimary() {
    Key k = newKey();
    KeyInvariants.check(k);
    assertThat(states(k)).containsExactly(PRIMARY);
    assertThat(k.primary().number()).isEqualTo(1);
    assertThat(k.revision()).isZero();
    assertThat(k.minDecryptionVersion()).isEqualTo(1);
    assertThat(k.minEncryptionVersion()).isEqualTo(1);
    assertThat(k.tags()).containsEntry("team", "pay");
    assertThat(k.createdAt()).isEqualTo(T0);
    assertThat(k.primary().material()).isEqualTo(material(1));
  }

  @Test
  void rotate_withPromote_newPrimaryOldActive() {
    Key k = step(newKey(), x -> x.rotate(material(2), true, T1));
    assertThat(states(k)).containsExactly(ACTIVE, PRIMARY);
    assertThat(k.latestVersion()).isEqualTo(2);
    assertThat(k.primary().material()).isEqualTo(material(2));
    assertThat(k.primary().createdAt()).isEqualTo(T1);
    assertThat(k.requireVersion(1).stateChangedAt()).isEqualTo(T1);
  }

  @Test
  void rotate_withoutPromote_addsPendingPrimaryUnchanged() {
    Key k = step(newKey(), x -> x.rotate(material(2), false, T1));
    assertThat(states(k)).containsExactly(PRIMARY, PENDING);
    assertThat(k.canDecryptWith(2)).isFalse();
  }

  @Test
  void promote_pendingVersion_demotesOldPrimaryToActive() {
    Key k = newKey().rotate(material(2), false, T1);
    k = step(k, x -> x.promote(2, T2));
    assertThat(states(k)).containsExactly(ACTIVE, PRIMARY);
    assertThat(k.requireVersion(2).stateChangedAt()).isEqualTo(T2);
  }

  @Test
  void promote_activeVersion_rollsBack() {
    Key k = step(keyWithVersions(3), x -> x.promote(2, T1));
    assertThat(states(k)).containsExactly(ACTIVE, PRIMARY, ACTIVE);
  }

  @Test
  void promote_primary_throwsIllegalState() {
    assertRejected(() -> newKey().promote(1, T1), ErrorCode.ILLEGAL_STATE, "already the primary");
  }

  @Test
  void promote_belowMinimumVersions_throwsIllegalState() {
    Key k = keyWithVersions(3).withMinEncryptionVersion(3);
    assertRejected(() -> k.promote(2, T1), ErrorCode.ILLEGAL_STATE, "below the key's minimum");
    Key k2 = newKey().rotate(material(2), false, T0).rotate(material(3), true, T0).withMinDecryptionVersion(3, T1);
    assertThat(k2.requireVersion(2).state()).isEqualTo(PENDING);
    assertRejected(() -> k2.promote(2, T1), ErrorCode.ILLEGAL_STATE, "below the key's minimum");
  }

  @Test
  void promote_retiredDisabledRevokedOrDestroyed_throwsIllegalState() {
    Key k = keyWithVersions(5);
    Key base = k.retire(1, T1).disable(2, T1).revoke(3, T1);
    assertRejected(() -> base.promote(1, T2), ErrorCode.ILLEGAL_STATE, "cannot move from retired to primary");
    assertRejected(() -> base.promote(2, T2), ErrorCode.ILLEGAL_STATE, "cannot move from disabled to primary");
    assertRejected(() -> base.promote(3, T2), ErrorCode.ILLEGAL_STATE, "cannot move from revoked to primary");
  }

  @Test
  void promote_unknownVersion_throwsNotFound() {
    assertRejected(() -> newKey().promote(7, T1), ErrorCode.NOT_FOUND, "has no version 7");
    assertRejected(() -> newKey().promote(0, T1), ErrorCode.NOT_FOUND, "has no version 0");
  }

  // ---- retire, disable, enable, revoke ----

  @Test
  void retire_activeVersion_becomesRetired() {
    Key k = step(keyWithVersions(2), x -> x.retire(1, T1));
    assertThat(states(k)).containsExactly(RETIRED, PRIMARY);
    assertThat(k.canDecryptWith(1)).isFalse();
  }

  @Test
  void retire_disabledVersion_becomesRetired() {
    Key k = step(keyWithVersions(2).disable(1, T1), x -> x.retire(1, T2));
    assertThat(states(k)).containsExactly(RETIRED, PRIMARY);
  }

  @Test
  void retire_primaryOrPending_throwsIllegalState() {
    assertRejected(() -> newKey().retire(1, T1), ErrorCode.ILLEGAL_STATE, "is the primary; rotate the key first");
    Key pending = newKey().rotate(material(2), false, T1);
    assertRejected(() -> pending.retire(2, T1), ErrorCode.ILLEGAL_STATE, "cannot move from pending to retired");
  }

  @Test
  void disable_activeOrPending_becomesDisabled() {
    Key k = keyWithVersions(2).rotate(material(3), false, T1);
    k = step(k, x -> x.disable(1, T1));
    k = step(k, x -> x.disable(3, T1));
    assertThat(states(k)).containsExactly(DISABLED, PRIMARY, DISABLED);
    assertThat(k.canDecryptWith(1)).isFalse();
  }

  @Test
  void disable_primary_throwsIllegalState() {
    assertRejected(() -> newKey().disable(1, T1), ErrorCode.ILLEGAL_STATE, "is the primary; rotate the key first");
  }

  @Test
  void enable_disabledAtOrAboveMinimum_becomesActive() {
    Key k = step(keyWithVersions(2).disable(1, T1), x -> x.enable(1, T2));
    assertThat(states(k)).containsExactly(ACTIVE, PRIMARY);
    assertThat(k.canDecryptWith(1)).isTrue();
  }

  @Test
  void enable_disabledBelowMinimumDecryptionVersion_becomesRetired() {
    Key k = keyWithVersions(3).disable(1, T1).withMinDecryptionVersion(2, T1);
    k = step(k, x -> x.enable(1, T2));
    assertThat(states(k)).containsExactly(RETIRED, ACTIVE, PRIMARY);
  }

  @Test
  void enable_notDisabled_throwsIllegalState() {
    assertRejected(() -> keyWithVersions(2).enable(1, T1), ErrorCode.ILLEGAL_STATE, "version 1 is active, not disabled");
    assertRejected(() -> newKey().enable(1, T1), ErrorCode.ILLEGAL_STATE, "is primary, not disabled");
  }

  @Test
  void revoke_activeVersion_becomesRevokedAndRemembersWhen() {
    Key k = step(keyWithVersions(2), x -> x.revoke(1, T1));
    assertThat(states(k)).containsExactly(REVOKED, PRIMARY);
    assertThat(k.requireVersion(1).revokedAt()).isEqualTo(T1);
    assertThat(k.canDecryptWith(1)).isFalse();
  }

  @Test
  void revoke_primary_throwsIllegalStatePointingToEmergencyRotation() {
    assertRejected(() -> newKey().revoke(1, T1), ErrorCode.ILLEGAL_STATE, "or use an emergency rotation");
  }

  @Test
  void revoke_isIrreversible_noWayBackToUse() {
    Key k = keyWithVersions(2).revoke(1, T1);
    for (var op : List.<java.util.function.UnaryOperator<Key>>of(
        x -> x.enable(1, T2), x -> x.disable(1, T2), x -> x.retire(1, T2), x -> x.promote(1, T2))) {
      Key before = k;
      assertThatThrownBy(() -> op.apply(before)).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
    }
  }

  @Test
  void revokedThenScheduled_disable_throwsIllegalStateInsteadOfUnrevoking() {
    Key k = keyWithVersions(2).revoke(1, T1).scheduleDestruction(1, T2.plus(Duration.ofDays(30)), T2);
    assertRejected(() -> k.disable(1, T2), ErrorCode.ILLEGAL_STATE, "revoked");
    assertRejected(() -> k.retire(1, T2), ErrorCode.ILLEGAL_STATE, "");
  }

  @Test
  void emergencyRotate_newPrimaryOldRevoked() {
    Key k = step(keyWithVersions(2), x -> x.emergencyRotate(material(3), T1));
    assertThat(states(k)).containsExactly(ACTIVE, REVOKED, PRIMARY);
    assertThat(k.requireVersion(2).revokedAt()).isEqualTo(T1);
    assertThat(k.canDecryptWith(2)).isFalse();
    assertThat(k.canDecryptWith(1)).isTrue();
  }

  // ---- destruction ----

  @Test
  void scheduleDestruction_retiredDisabledRevokedPending_scheduled() {
    Key k = keyWithVersions(4).rotate(material(5), false, T0).retire(1, T0).disable(2, T0).revoke(3, T0);
    Instant after = T1.plus(Duration.ofDays(7));
    for (int n : new int[] {1, 2, 3, 5}) {
      k = step(k, x -> x.scheduleDestruction(n, after, T1));
      assertThat(k.requireVersion(n).state()).isEqualTo(DESTROY_SCHEDULED);
      assertThat(k.requireVersion(n).destroyAfter()).isEqualTo(after);
    }
  }

  @Test
  void scheduleDestruction_activeOrPrimary_throwsIllegalState() {
    Key k = keyWithVersions(2);
    Instant after = T1.plus(Duration.ofDays(7));
    assertRejected(() -> k.scheduleDestruction(1, after, T1), ErrorCode.ILLEGAL_STATE,
        "cannot move from active to destroy_scheduled");
    assertRejected(() -> k.scheduleDestruction(2, after, T1), ErrorCode.ILLEGAL_STATE, "is the primary");
  }

  @Test
  void scheduleDestruction_timeNotInFuture_throwsInvalidRequest() {
    Key k = keyWithVersions(2).disable(1, T0);
    assertRejected(() -> k.scheduleDestruction(1, T1, T1), ErrorCode.INVALID_REQUEST, "must be in the future");
    assertRejected(() -> k.scheduleDestruction(1, T0, T1), ErrorCode.INVALID_REQUEST, "must be in the future");
  }

  @Test
  void cancelDestruction_neverRevoked_becomesDisabled() {
    Key k = keyWithVersions(2).retire(1, T0).scheduleDestruction(1, T2, T0);
    k = step(k, x -> x.cancelDestruction(1, T1));
    assertThat(states(k)).containsExactly(DISABLED, PRIMARY);
    assertThat(k.requireVersion(1).destroyAfter()).isNull();
  }

  @Test
  void cancelDestruction_revokedVersion_staysRevoked() {
    Key k = keyWithVersions(2).revoke(1, T0).scheduleDestruction(1, T2, T0);
    k = step(k, x -> x.cancelDestruction(1, T1));
    assertThat(states(k)).containsExactly(REVOKED, PRIMARY);
    assertThat(k.requireVersion(1).revokedAt()).isEqualTo(T0);
  }

  @Test
  void cancelDestruction_notScheduled_throwsIllegalState() {
    assertRejected(() -> keyWithVersions(2).cancelDestruction(1, T1), ErrorCode.ILLEGAL_STATE,
        "not scheduled for destruction");
  }

  @Test
  void destroy_beforeWaitingPeriod_throwsIllegalState() {
    Key k = keyWithVersions(2).disable(1, T0).scheduleDestruction(1, T2, T0);
    assertRejected(() -> k.destroy(1, T1), ErrorCode.ILLEGAL_STATE, "may not be destroyed before " + T2);
  }

  @Test
  void destroy_atOrAfterWaitingPeriod_erasesMaterialKeepsMetadata() {
    Key scheduled = keyWithVersions(2).disable(1, T0).scheduleDestruction(1, T2, T0);
    for (Instant when : new Instant[] {T2, T2.plusSeconds(1)}) {
      Key k = step(scheduled, x -> x.destroy(1, when));
      KeyVersion v = k.requireVersion(1);
      assertThat(v.state()).isEqualTo(DESTROYED);
      assertThat(v.material()).isNull();
      assertThat(v.createdAt()).isEqualTo(T0);
      assertThat(v.stateChangedAt()).isEqualTo(when);
      assertThat(k.canDecryptWith(1)).isFalse();
    }
  }

  @Test
  void destroy_notScheduled_throwsIllegalState() {
    Key k = keyWithVersions(2).disable(1, T0);
    assertRejected(() -> k.destroy(1, T1), ErrorCode.ILLEGAL_STATE, "cannot move from disabled to destroyed");
    assertRejected(() -> k.destroy(2, T1), ErrorCode.ILLEGAL_STATE, "is the primary");
  }

  @Test
  void destroyed_everyOperation_throwsIllegalState() {
    Key k = keyWithVersions(2).disable(1, T0).scheduleDestruction(1, T1, T0).destroy(1, T2);
    Instant later = T2.plusSeconds(1);
    for (var op : List.<java.util.function.UnaryOperator<Key>>of(x -> x.enable(1, later), x -> x.disable(1, later),
        x -> x.retire(1, later), x -> x.revoke(1, later), x -> x.promote(1, later), x -> x.destroy(1, later),
        x -> x.cancelDestruction(1, later), x -> x.scheduleDestruction(1, later.plusSeconds(9), later))) {
      assertThatThrownBy(() -> op.apply(k)).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
    }
  }

  // ---- minimum versions ----

  @Test
  void withMinDecryptionVersion_raised_retiresActiveBelow() {
    Key k = step(keyWithVersions(4), x -> x.withMinDecryptionVersion(3, T1));
    assertThat(states(k)).containsExactly(RETIRED, RETIRED, ACTIVE, PRIMARY);
    assertThat(k.minDecryptionVersion()).isEqualTo(3);
    assertThat(k.canDecryptWith(2)).isFalse();
    assertThat(k.canDecryptWith(3)).isTrue();
  }

  @Test
  void withMinDecryptionVersion_lowered_reactivatesVersionsItHadRetired() {
    Key k = keyWithVersions(4).withMinDecryptionVersion(3, T1);
    k = step(k, x -> x.withMinDecryptionVersion(2, T2));
    assertThat(states(k)).containsExactly(RETIRED, ACTIVE, ACTIVE, PRIMARY);
    k = step(k, x -> x.withMinDecryptionVersion(1, T2));
    assertThat(states(k)).containsExactly(ACTIVE, ACTIVE, ACTIVE, PRIMARY);
  }

  @Test
  void withMinDecryptionVersion_leavesOtherStatesAlone() {
    Key k = keyWithVersions(4).disable(1, T0).revoke(2, T0);
    k = step(k, x -> x.withMinDecryptionVersion(4, T1));
    assertThat(states(k)).containsExactly(DISABLED, REVOKED, RETIRED, PRIMARY);
  }

  @Test
  void withMinDecryptionVersion_unchanged_keepsExplicitlyRetiredVersionRetired() {
    Key k = keyWithVersions(4).retire(3, T0);
    k = step(k, x -> x.withMinDecryptionVersion(1, T1));
    assertThat(states(k)).containsExactly(ACTIVE, ACTIVE, RETIRED, PRIMARY);
    k = step(k, x -> x.withMinDecryptionVersion(2, T1));
    assertThat(states(k)).containsExactly(RETIRED, ACTIVE, RETIRED, PRIMARY);
  }

  @Test
  void withMinDecryptionVersion_outOfRange_throwsInvalidRequest() {
    Key k = keyWithVersions(2).rotate(material(3), false, T0);
    assertRejected(() -> k.withMinDecryptionVersion(0, T1), ErrorCode.INVALID_REQUEST, "between 1 and the primary version 2");
    assertRejected(() -> k.withMinDecryptionVersion(3, T1), ErrorCode.INVALID_REQUEST, "between 1 and the primary version 2");
  }

  @Test
  void withMinEncryptionVersion_setsItAndGuardsPromotion() {
    Key k = step(keyWithVersions(3), x -> x.withMinEncryptionVersion(3));
    assertThat(k.minEncryptionVersion()).isEqualTo(3);
    assertThat(states(k)).containsExactly(ACTIVE, ACTIVE, PRIMARY);
    assertThat(k.canDecryptWith(1)).as("min encryption does not restrict decryption").isTrue();
  }

  @Test
  void withMinEncryptionVersion_outOfRange_throwsInvalidRequest() {
    Key k = keyWithVersions(2);
    assertRejected(() -> k.withMinEncryptionVersion(0), ErrorCode.INVALID_REQUEST, "minimum encryption version");
    assertRejected(() -> k.withMinEncryptionVersion(3), ErrorCode.INVALID_REQUEST, "minimum encryption version");
  }

  // ---- material, tags, look-ups ----

  @Test
  void rewrapMaterial_replacesEveryMaterialKeepsStatesAndDestroyedStaysEmpty() {
    Key k = keyWithVersions(3).disable(1, T0).scheduleDestruction(1, T1, T0).destroy(1, T1);
    Key rewrapped = step(k, x -> x.rewrapMaterial(w -> new WrappedKey(w.ciphertext(), "root-b")));
    assertThat(states(rewrapped)).isEqualTo(states(k));
    assertThat(rewrapped.requireVersion(1).material()).isNull();
    assertThat(rewrapped.requireVersion(2).material().rootKeyId()).isEqualTo("root-b");
    assertThat(rewrapped.requireVersion(3).material().rootKeyId()).isEqualTo("root-b");
    assertThat(rewrapped.requireVersion(3).stateChangedAt()).isEqualTo(k.requireVersion(3).stateChangedAt());
  }

  @Test
  void withTags_replacesTagsAndValidates() {
    Key k = step(newKey(), x -> x.withTags(Map.of("env", "prod")));
    assertThat(k.tags()).containsExactly(Map.entry("env", "prod"));
    assertRejected(() -> newKey().withTags(Map.of("bad tag", "x")), ErrorCode.INVALID_REQUEST, "invalid tag name");
  }

  @Test
  void canDecryptWith_unknownVersion_false() {
    Key k = newKey();
    assertThat(k.canDecryptWith(0)).isFalse();
    assertThat(k.canDecryptWith(2)).isFalse();
    assertThat(k.version(2)).isEmpty();
  }

  @Test
  void toString_containsNoMaterialBytes() {
    byte[] secretish = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5};
    WrappedKey w = new WrappedKey(secretish, "root-a");
    Key k = Key.create("default", "orders", KeyType.AES256_GCM, Map.of(), w, T0);
    assertThat(w.toString()).isEqualTo("WrappedKey[root=root-a, 9 bytes]");
    assertThat(k.toString()).doesNotContain(w.ciphertextBase64()).doesNotContain("deadbeef")
        .doesNotContain("[B@");
  }

  @Test
  void wrappedKey_copiesBytesInAndOut() {
    byte[] b = {1, 2, 3};
    WrappedKey w = new WrappedKey(b, "root-a");
    b[0] = 9;
    w.ciphertext()[1] = 9;
    assertThat(w.ciphertext()).containsExactly(1, 2, 3);
    assertThat(w).isEqualTo(new WrappedKey(new byte[] {1, 2, 3}, "root-a"))
        .isNotEqualTo(new WrappedKey(new byte[] {1, 2, 3}, "root-b"));
  }
}
