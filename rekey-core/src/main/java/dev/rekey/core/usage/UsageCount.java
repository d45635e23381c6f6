package dev.rekey.core.usage;

import java.time.Instant;
import java.util.Objects;

/**
 * How often one version of a key was used for one operation, and when last (null when never).
 * The same shape carries a flush's deltas and the stored totals.
 */
public record UsageCount(String namespace, String key, int version, Operation operation, long count,
    Instant lastUsedAt) {
  public UsageCount {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
  }

  /** This count plus {@code moreCount} uses last at {@code otherLastUsed}: counts add, the later time wins. */
  public UsageCount plus(long moreCount, Instant otherLastUsed) {
    return new UsageCount(namespace, key, version, operation, count + moreCount, later(lastUsedAt, otherLastUsed));
  }

  static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
