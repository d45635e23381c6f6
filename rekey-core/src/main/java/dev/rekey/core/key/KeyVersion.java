package dev.rekey.core.key;

import dev.rekey.core.RekeyException;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a key: its number, lifecycle state and wrapped material ({@code null} once
 * destroyed). {@code revokedAt} is kept so that restoring a scheduled destruction of a revoked
 * version can never un-revoke it. {@code destroyAfter} is set while DESTROY_SCHEDULED.
 */
public record KeyVersion(
    int number,
    VersionState state,
    WrappedKey material,
    Instant createdAt,
    Instant stateChangedAt,
    Instant revokedAt,
    Instant destroyAfter) {

  public KeyVersion {
    if (number < 1) {
      throw new IllegalArgumentException("version numbers start at 1");
    }
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(stateChangedAt, "stateChangedAt");
    if (state.hasMaterial() != (material != null)) {
      throw new IllegalArgumentException("version " + number + " in state " + state
          + (material == null ? " has no material" : " must not keep material"));
    }
    if ((state == VersionState.DESTROY_SCHEDULED) != (destroyAfter != null)) {
      throw new IllegalArgumentException("destroyAfter is set exactly while DESTROY_SCHEDULED");
    }
  }

  public static KeyVersion create(int number, VersionState state, WrappedKey material, Instant now) {
    return new KeyVersion(number, state, material, now, now, null, null);
  }

  /**
   * This version in {@code target}; checks the per-version transition table and that a version
   * once revoked only ever moves on to destruction (it may pass through DESTROY_SCHEDULED, whose
   * table also allows DISABLED for versions that were never revoked).
   */
  public KeyVersion moveTo(VersionState target, Instant now, Instant destroyAfterIfScheduled) {
    if (!state.canMoveTo(target)) {
      throw IllegalTransition.of(number, state, target);
    }
    if (revokedAt != null && !(target == VersionState.REVOKED || target == VersionState.DESTROY_SCHEDULED
        || target == VersionState.DESTROYED)) {
      throw RekeyException.illegalState("version " + number + " was revoked; revocation is irreversible");
    }
    Instant revoked = target == VersionState.REVOKED && revokedAt == null ? now : revokedAt;
    WrappedKey keep = target == VersionState.DESTROYED ? null : material;
    Instant after = target == VersionState.DESTROY_SCHEDULED ? destroyAfterIfScheduled : null;
    return new KeyVersion(number, target, keep, createdAt, now, revoked, after);
  }

  public KeyVersion withMaterial(WrappedKey rewrapped) {
    return new KeyVersion(number, state, rewrapped, createdAt, stateChangedAt, revokedAt, destroyAfter);
  }
}
