package dev.rekey.core.testing;

import dev.rekey.core.port.SystemRepository;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A {@link SystemRepository} in memory with the real contract. Thread-safe; values are copied in and out. */
public class InMemorySystemRepository implements SystemRepository {
  private final Map<String, byte[]> values = new HashMap<>();

  @Override
  public synchronized Optional<byte[]> get(String name) {
    byte[] v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  @Override
  public synchronized boolean putIfAbsent(String name, byte[] value) {
    if (values.containsKey(name)) {
      return false;
    }
    values.put(name, value.clone());
    return true;
  }

  @Override
  public synchronized boolean compareAndSet(String name, byte[] expected, byte[] value) {
    byte[] current = values.get(name);
    if (current == null || !Arrays.equals(current, expected)) {
      return false;
    }
    values.put(name, value.clone());
    return true;
  }

  /** Overwrites a value unconditionally: for tests that simulate corruption or another writer. */
  public synchronized void put(String name, byte[] value) {
    values.put(name, value.clone());
  }

  public synchronized Set<String> names() {
    return new TreeSet<>(values.keySet());
  }
}
