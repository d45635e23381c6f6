package dev.rekey.core.secret;

import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;

/**
 * A namespace's rules for new secret versions (the documents' "deny secrets without expiration
 * date"): {@code requireExpiry} refuses a version without an expiry; {@code maxLifetime} (null for
 * none) refuses an expiry further away than that.
 */
public record SecretGuardrail(String namespace, boolean requireExpiry, Duration maxLifetime) {
  public static SecretGuardrail none(String namespace) {
    return new SecretGuardrail(namespace, false, null);
  }

  public SecretGuardrail {
    if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
      throw RekeyException.invalid("max_lifetime must be a positive duration such as P90D");
    }
  }

  /** Throws INVALID_REQUEST, naming the rule, when a version expiring at {@code expiresAt} breaks it. */
  public void check(Instant expiresAt, Instant now) {
    if (expiresAt == null) {
      if (requireExpiry || maxLifetime != null) {
        throw RekeyException.invalid("namespace '" + namespace + "' denies secrets without an expiry"
            + " (secret policy require_expiry" + (maxLifetime != null ? ", max_lifetime " + maxLifetime : "")
            + "): give expires_at or ttl");
      }
      return;
    }
    if (!expiresAt.isAfter(now)) {
      throw RekeyException.invalid("expires_at must be in the future");
    }
    if (maxLifetime != null && expiresAt.isAfter(now.plus(maxLifetime))) {
      throw RekeyException.invalid("namespace '" + namespace + "' allows secrets to live at most " + maxLifetime
          + " (secret policy max_lifetime); expires_at " + expiresAt + " is later than " + now.plus(maxLifetime));
    }
  }
}
