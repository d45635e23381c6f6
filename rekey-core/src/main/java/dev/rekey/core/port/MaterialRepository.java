package dev.rekey.core.port;

import dev.rekey.core.key.RootWrapped;
import java.util.List;
import java.util.Optional;

/** A store of objects whose material the root keyring wraps: what root key rotation walks. */
public interface MaterialRepository<T extends RootWrapped<T>> {
  Optional<T> find(String namespace, String name);

  /** Replaces the stored object when its revision is still {@code expectedRevision}, else CONCURRENT_MODIFICATION. */
  void update(T updated, long expectedRevision);

  /** Objects (any namespace) with a version not wrapped by {@code rootKeyId}, at most {@code limit}. */
  List<T> findWrappedByOtherRoot(String rootKeyId, int limit);
}
