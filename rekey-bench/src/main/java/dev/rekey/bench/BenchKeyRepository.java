package dev.rekey.bench;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.port.KeyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A minimal in-memory {@link KeyRepository} for the benchmarks, so they depend only on the core's
 * main code. The hot path reads keys from the {@code KeyCache}, so this is touched only on cache
 * misses and in setup.
 */
final class BenchKeyRepository implements KeyRepository {
  private final Map<String, Key> keys = new ConcurrentSkipListMap<>();

  private static String id(String namespace, String name) {
    return namespace + '\u0000' + name;
  }

  @Override
  public synchronized void insert(Key key) {
    if (keys.putIfAbsent(id(key.namespace(), key.name()), key) != null) {
      throw RekeyException.alreadyExists("key '" + key.name() + "' exists");
    }
  }

  @Override
  public Optional<Key> find(String namespace, String name) {
    return Optional.ofNullable(keys.get(id(namespace, name)));
  }

  @Override
  public List<Key> list(String namespace, String afterName, int limit) {
    List<Key> out = new ArrayList<>();
    for (Key k : keys.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (k.namespace().equals(namespace) && (afterName == null || k.name().compareTo(afterName) > 0)) {
        out.add(k);
      }
    }
    return out;
  }

  @Override
  public synchronized void update(Key updated, long expectedRevision) {
    String id = id(updated.namespace(), updated.name());
    Key current = keys.get(id);
    if (current == null) {
      throw RekeyException.notFound("key '" + updated.name() + "' not found");
    }
    if (current.revision() != expectedRevision) {
      throw RekeyException.concurrentModification("key '" + updated.name() + "' changed");
    }
    keys.put(id, updated);
  }

  @Override
  public List<Key> findWrappedByOtherRoot(String rootKeyId, int limit) {
    List<Key> out = new ArrayList<>();
    for (Key k : keys.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (k.versions().stream().anyMatch(v -> v.material() != null && !rootKeyId.equals(v.material().rootKeyId()))) {
        out.add(k);
      }
    }
    return out;
  }
}
