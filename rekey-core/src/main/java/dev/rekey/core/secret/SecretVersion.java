package dev.rekey.core.secret;

import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a secret: the shared version lifecycle ({@link KeyVersion}, whose material is the
 * wrapped secret value) and an optional expiry.
 */
public record SecretVersion(KeyVersion lifecycle, Instant expiresAt) {
  public SecretVersion {
    Objects.requireNonNull(lifecycle, "lifecycle");
  }

  public int number() {
    return lifecycle.number();
  }

  public VersionState state() {
    return lifecycle.state();
  }

  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** May the value be read by version number? Not when disabled, revoked or (scheduled to be) destroyed. */
  public boolean readable() {
    VersionState s = lifecycle.state();
    return s == VersionState.PRIMARY || s == VersionState.ACTIVE || s == VersionState.PENDING
        || s == VersionState.RETIRED;
  }

  SecretVersion moveTo(VersionState target, Instant now, Instant destroyAfter) {
    return new SecretVersion(lifecycle.moveTo(target, now, destroyAfter), expiresAt);
  }
}
