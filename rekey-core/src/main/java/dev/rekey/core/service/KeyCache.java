package dev.rekey.core.service;

import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.usage.KeyUsage;
import dev.rekey.core.usage.UsageCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys and their unwrapped version material in memory, so the hot path neither reads the
 * database nor unwraps per request. An entry is reloaded after {@code ttl} (bounding how long
 * another node's change can go unseen here) and at once when this node changes the key.
 * Unwrapped material survives a reload when its wrapped form did not change. {@link #clear()}
 * drops everything (on seal). Each entry carries the key's usage counters ({@link Entry#usage()}),
 * so counting an operation needs no second lookup.
 */
public final class KeyCache implements CachedByName {
  private final KeyRepository keys;
  private final Supplier<RootKeyring> keyring;
  private final long ttlNanos;
  private volatile StoreReadGuard storeReads = new StoreReadGuard();
  private final UsageCounter usage;
  private final Map<Id, Entry> entries = new ConcurrentHashMap<>();

  private record Id(String namespace, String name) {}

  /** A cached key with lazily unwrapped version material. */
  public static final class Entry {
    private final Key key;
    private final long loadedAt;
    private final Map<Integer, Unwrapped> material;
    private final KeyUsage usage;

    private Entry(Key key, long loadedAt, Map<Integer, Unwrapped> material, KeyUsage usage) {
      this.key = key;
      this.loadedAt = loadedAt;
      this.material = material;
      this.usage = usage;
    }

    public Key key() {
      return key;
    }

    /** This node's usage counters of the key (the same object across reloads). */
    public KeyUsage usage() {
      return usage;
    }

    @Override
    public String toString() {
      return "KeyCache.Entry[" + key.namespace() + "/" + key.name() + "]";
    }
  }

  private record Unwrapped(WrappedKey wrapped, Object secret) {
    @Override
    public String toString() {
      return "Unwrapped[redacted]";
    }
  }

  /**
   * A root generation the keyring does not know yet (another node rotated the root key) is the
   * keyring's to find: one a {@code RootOfTrust} installed re-reads the stored keyring.
   */
  public KeyCache(KeyRepository keys, Supplier<RootKeyring> keyring, Duration ttl) {
    this(keys, keyring, ttl, new UsageCounter(Clock.systemUTC()));
  }

  /** As above, counting usage in {@code usage} (which a usage tracker persists). */
  public KeyCache(KeyRepository keys, Supplier<RootKeyring> keyring, Duration ttl, UsageCounter usage) {
    this.keys = keys;
    this.usage = usage;
    this.keyring = keyring;
    this.ttlNanos = ttl.toNanos();
  }

  /** The key, from memory when fresh. */
  public Entry get(String namespace, String name) {
    Id id = new Id(namespace, name);
    Entry e = entries.get(id);
    if (e != null && System.nanoTime() - e.loadedAt < ttlNanos) {
      return e;
    }
    return reload(id, e);
  }

  @Override
  public boolean isFresh(String namespace, String name) {
    Entry e = entries.get(new Id(namespace, name));
    return e != null && System.nanoTime() - e.loadedAt < ttlNanos - CachedByName.freshMargin(ttlNanos);
  }

  @Override
  public void reload(String namespace, String name) {
    refresh(namespace, name);
  }

  /** Reloads now: used when a ciphertext names a version this node has not seen yet. */
  public Entry refresh(String namespace, String name) {
    Id id = new Id(namespace, name);
    return reload(id, entries.get(id));
  }

  /** Who refuses this cache's store reads on threads that must not wait (an event loop). */
  public void guardStoreReads(StoreReadGuard guard) {
    this.storeReads = java.util.Objects.requireNonNull(guard, "guard");
  }

  /**
   * Reloads now, holding the key inside the caller's transaction so that no write changes it until
   * that transaction ends ({@link KeyRepository#holdShared}): what a re-wrap batch checks the states
   * of the versions it reads and writes against.
   */
  public Entry refreshHeld(String namespace, String name) {
    keys.holdShared(namespace, name);
    return refresh(namespace, name);
  }

  /** The unwrapped material of {@code version} as a JCA key, which must exist and have material. */
  public SecretKey secret(Entry entry, KeyVersion version, String algorithm) {
    return loaded(entry, version, SecretKey.class,
        raw -> new SecretKeySpec(raw.reveal(SecretAccess.get()), algorithm));
  }

  /**
   * The unwrapped material of {@code version} turned into whatever the algorithm works with (a
   * signing key pair, say) by {@code load}, once; later calls get the same object.
   */
  public <T> T loaded(Entry entry, KeyVersion version, Class<T> kind, java.util.function.Function<SecretBytes, T> load) {
    Unwrapped u = entry.material.get(version.number());
    if (u != null && u.wrapped.equals(version.material()) && kind.isInstance(u.secret)) {
      return kind.cast(u.secret);
    }
    Key k = entry.key;
    SecretBytes raw = keyring.get().unwrap(version.material(),
        MaterialBinding.keyVersion(k.namespace(), k.name(), version.number()));
    try {
      T value = load.apply(raw);
      entry.material.put(version.number(), new Unwrapped(version.material(), value));
      return value;
    } finally {
      raw.destroy();
    }
  }

  public void invalidate(String namespace, String name) {
    entries.remove(new Id(namespace, name));
  }

  /**
   * Publishes a key this node just wrote, so the change applies here at once. Entries are merged by
   * revision: a reload that read the key before the write cannot put the older copy back.
   */
  public void offer(Key key) {
    Id id = new Id(key.namespace(), key.name());
    store(id, key, entries.get(id));
  }

  public void clear() {
    entries.clear();
  }

  /** The usage counters entries hand out. */
  public UsageCounter usageCounter() {
    return usage;
  }

  /** The keys cached on this node now (what this node has served or read since start). */
  public java.util.List<Key> cachedKeys() {
    return entries.values().stream().map(Entry::key).toList();
  }

  private Entry reload(Id id, Entry previous) {
    storeReads.check("key '" + id.name + "'");
    Key key = keys.find(id.namespace, id.name).orElseThrow(() -> KeyService.notFound(id.namespace, id.name));
    return store(id, key, previous);
  }

  private Entry store(Id id, Key key, Entry previous) {
    Map<Integer, Unwrapped> material = new ConcurrentHashMap<>();
    if (previous != null) {
      for (KeyVersion v : key.versions()) {
        Unwrapped u = previous.material.get(v.number());
        if (u != null && u.wrapped.equals(v.material())) {
          material.put(v.number(), u);
        }
      }
    }
    KeyUsage counters = previous != null ? previous.usage : usage.forKey(key.namespace(), key.name());
    Entry fresh = new Entry(key, System.nanoTime(), material, counters);
    return entries.merge(id, fresh, (current, candidate) ->
        candidate.key.revision() >= current.key.revision() ? candidate : current);
  }
}
