package dev.rekey.core.port;

import java.util.Optional;

/**
 * Small named blobs of system state: the sealed root keyring, the seal configuration, the audit
 * signing key. Values are opaque to the store (already encrypted where they need to be).
 */
public interface SystemRepository {
  Optional<byte[]> get(String name);

  /**
   * As {@link #get}, and inside a transaction keeps the value from being changed or locked by
   * {@link #getExclusive} until that transaction ends; other shared readers go on (PostgreSQL:
   * {@code FOR SHARE}). Where writers are serialized anyway (SQLite), and outside a transaction,
   * a plain read.
   */
  default Optional<byte[]> getShared(String name) {
    return get(name);
  }

  /**
   * As {@link #get}, and inside a transaction keeps the value from being changed or locked by
   * anyone else until that transaction ends (PostgreSQL: {@code FOR UPDATE}; it waits for the
   * holders of {@link #getShared} to finish first). Where writers are serialized anyway (SQLite),
   * and outside a transaction, a plain read.
   */
  default Optional<byte[]> getExclusive(String name) {
    return get(name);
  }

  /** Stores {@code value} only if {@code name} has no value yet; returns whether it did. */
  boolean putIfAbsent(String name, byte[] value);

  /** Replaces the value when the stored one equals {@code expected}; returns whether it did. */
  boolean compareAndSet(String name, byte[] expected, byte[] value);
}
