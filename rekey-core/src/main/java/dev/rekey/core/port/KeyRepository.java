package dev.rekey.core.port;

import dev.rekey.core.key.Key;
import java.util.List;
import java.util.Optional;

/**
 * Storage of keys and their versions. A key is written whole (its row and every version) in one
 * transaction, guarded by its revision, so concurrent writers never interleave.
 */
public interface KeyRepository extends MaterialRepository<Key> {

  /** Stores a new key. Throws ALREADY_EXISTS when the namespace already has a key of that name. */
  void insert(Key key);

  Optional<Key> find(String namespace, String name);

  /**
   * Inside a transaction, keeps the key from being changed by {@link #update} until that
   * transaction ends; read it afterwards with {@link #find}, which then sees every change committed
   * before (PostgreSQL: {@code FOR SHARE} on the key row). Where writers are serialized anyway
   * (SQLite), and outside a transaction, nothing. A re-wrap batch holds its KEK this way, so a
   * version it writes DEKs under cannot be disabled or destroyed before they are counted.
   */
  default void holdShared(String namespace, String name) {}

  /** Keys of a namespace ordered by name, starting after {@code afterName} (null for the first page). */
  List<Key> list(String namespace, String afterName, int limit);

  /**
   * Replaces a stored key with {@code updated} when the stored revision is still
   * {@code expectedRevision}; otherwise throws CONCURRENT_MODIFICATION and writes nothing.
   * Versions are only ever added, never removed.
   */
  void update(Key updated, long expectedRevision);

  /**
   * Keys (any namespace) with at least one version whose material is not wrapped by
   * {@code rootKeyId}, at most {@code limit}, in a stable order. Drives root key rotation.
   */
  List<Key> findWrappedByOtherRoot(String rootKeyId, int limit);
}
