package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.port.KeyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link KeyRepository} in memory with the contract of the real stores: unique names per
 * namespace, revision-guarded updates (CONCURRENT_MODIFICATION), versions never removed, stable
 * order. Thread-safe; keys are immutable values, so they are stored as given.
 */
public class InMemoryKeyRepository implements KeyRepository {
  /** Ordered by namespace, then name. */
  private final TreeMap<String, TreeMap<String, Key>> keys = new TreeMap<>();

  @Override
  public synchronized void insert(Key key) {
    Map<String, Key> ns = keys.computeIfAbsent(key.namespace(), n -> new TreeMap<>());
    if (ns.containsKey(key.name())) {
      throw RekeyException.alreadyExists("key '" + key.name() + "' already exists in namespace '"
          + key.namespace() + "'");
    }
    ns.put(key.name(), key);
  }

  @Override
  public synchronized Optional<Key> find(String namespace, String name) {
    Map<String, Key> ns = keys.get(namespace);
    return ns == null ? Optional.empty() : Optional.ofNullable(ns.get(name));
  }

  @Override
  public synchronized List<Key> list(String namespace, String afterName, int limit) {
    TreeMap<String, Key> ns = keys.get(namespace);
    if (ns == null) {
      return List.of();
    }
    Map<String, Key> page = afterName == null ? ns : ns.tailMap(afterName, false);
    return page.values().stream().limit(limit).toList();
  }

  @Override
  public synchronized void update(Key updated, long expectedRevision) {
    Key stored = find(updated.namespace(), updated.name()).orElseThrow(() ->
        RekeyException.notFound("key '" + updated.name() + "' does not exist in namespace '"
            + updated.namespace() + "'"));
    if (stored.revision() != expectedRevision) {
      throw RekeyException.concurrentModification("key '" + updated.name() + "' was changed concurrently"
          + " (revision " + stored.revision() + ", expected " + expectedRevision + ")");
    }
    if (updated.versions().size() < stored.versions().size()) {
      throw new IllegalArgumentException("versions are never removed");
    }
    keys.get(updated.namespace()).put(updated.name(), updated);
  }

  @Override
  public synchronized List<Key> findWrappedByOtherRoot(String rootKeyId, int limit) {
    List<Key> out = new ArrayList<>();
    for (TreeMap<String, Key> ns : keys.values()) {
      for (Key k : ns.values()) {
        if (out.size() >= limit) {
          return out;
        }
        boolean other = k.versions().stream()
            .anyMatch(v -> v.material() != null && !v.material().rootKeyId().equals(rootKeyId));
        if (other) {
          out.add(k);
        }
      }
    }
    return out;
  }

  /** Every stored key, ordered by namespace and name (for assertions). */
  public synchronized List<Key> all() {
    List<Key> out = new ArrayList<>();
    keys.values().forEach(ns -> out.addAll(ns.values()));
    return out;
  }
}
