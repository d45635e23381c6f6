package dev.rekey.core.port;

import java.time.Instant;
import java.util.Optional;

/**
 * When a key version was last used for a cryptographic operation, as far as this deployment
 * knows (counts are flushed periodically, so the answer may lag by one flush interval).
 * Policies use it to retire an old primary once nothing uses it.
 */
public interface VersionUsage {
  Optional<Instant> lastUsedAt(String namespace, String key, int version);

  /** Knows no use at all. */
  VersionUsage NONE = (namespace, key, version) -> Optional.empty();
}
