package dev.rekey.core.port;

import java.util.Optional;

/**
 * Small named blobs of system state: the sealed root keyring, the seal configuration, the audit
 * signing key. Values are opaque to the store (already encrypted where they need to be).
 */
public interface SystemRepository {
  Optional<byte[]> get(String name);

  /** Stores {@code value} only if {@code name} has no value yet; returns whether it did. */
  boolean putIfAbsent(String name, byte[] value);

  /** Replaces the value when the stored one equals {@code expected}; returns whether it did. */
  boolean compareAndSet(String name, byte[] expected, byte[] value);
}
