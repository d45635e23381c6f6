package dev.rekey.core.service;

/**
 * A node's cache of things by namespace and name (keys, secrets), as seen by a caller that must not
 * wait for the store (an event loop): it asks {@link #isFresh} first and otherwise has the entry
 * loaded where it may wait ({@link #loadIfStale}).
 */
public interface CachedByName {
  /**
   * Will a read answer from memory, now and for a little while yet ({@link #freshMargin})? Never
   * touches the store.
   */
  boolean isFresh(String namespace, String name);

  /** Reads the entry from the store now (where waiting is fine). */
  void reload(String namespace, String name);

  /**
   * Loads the entry unless {@link #isFresh}. One that cannot be loaded (not found, an invalid name,
   * the store failing) is left to the request itself, which meets it again and answers it.
   */
  default void loadIfStale(String namespace, String name) {
    if (namespace == null || name == null || isFresh(namespace, name)) {
      return;
    }
    try {
      reload(namespace, name);
    } catch (RuntimeException e) {
      // left to the request, which meets it again and answers it
    }
  }

  /** How long an entry {@link #isFresh} says is fresh must stay so: a quarter of its life, at most 100 ms. */
  static long freshMargin(long ttlNanos) {
    return Math.min(ttlNanos / 4, 100_000_000L);
  }
}
