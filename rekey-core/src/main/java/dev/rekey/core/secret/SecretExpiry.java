package dev.rekey.core.secret;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a secret version's expiry notices are due: {@code SecretNearExpiry} 30, 7 and 1 days
 * before it expires, then {@code SecretExpired} at expiry, each once. The store keeps the next
 * notice time per version (indexed), so finding due notices costs what is due.
 */
public final class SecretExpiry {
  public static final List<Duration> THRESHOLDS = List.of(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1));

  private SecretExpiry() {}

  /**
   * The first notice of a version created at {@code createdAt} and expiring at {@code expiresAt}:
   * the largest threshold still ahead at creation (a version made to live 10 days is not told it
   * has 30 left), else the expiry; null without an expiry.
   */
  public static Instant firstNotice(Instant expiresAt, Instant createdAt) {
    if (expiresAt == null) {
      return null;
    }
    for (Duration t : THRESHOLDS) {
      Instant at = expiresAt.minus(t);
      if (at.isAfter(createdAt)) {
        return at;
      }
    }
    return expiresAt;
  }

  /** The notice after the one due at {@code notice}: the next threshold, then the expiry, then none. */
  public static Instant nextNotice(Instant expiresAt, Instant notice) {
    for (Duration t : THRESHOLDS) {
      Instant at = expiresAt.minus(t);
      if (at.isAfter(notice)) {
        return at;
      }
    }
    return notice.isBefore(expiresAt) ? expiresAt : null;
  }

  /** The threshold a notice at {@code notice} stands for, or null for the expiry itself. */
  public static Duration thresholdOf(Instant expiresAt, Instant notice) {
    return notice.isBefore(expiresAt) ? Duration.between(notice, expiresAt) : null;
  }
}
