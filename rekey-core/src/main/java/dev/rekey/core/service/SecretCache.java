package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Secrets and their unwrapped values in memory, so reads neither query the database nor unwrap
 * per request (like {@link KeyCache} for keys). An entry is reloaded after {@code ttl} (bounding
 * how long another node's write can go unseen here) and replaced at once when this node writes;
 * an unwrapped value survives a reload while its wrapped form is unchanged. {@link #clear()}
 * drops everything (on seal and root key rotation).
 */
public final class SecretCache implements CachedByName {
  private final SecretRepository secrets;
  private final Supplier<RootKeyring> keyring;
  private final long ttlNanos;
  private volatile StoreReadGuard storeReads = new StoreReadGuard();
  private final Map<Id, Entry> entries = new ConcurrentHashMap<>();

  private record Id(String namespace, String name) {}

  private record Entry(Secret secret, long loadedAt, Map<Integer, Plain> values) {}

  private record Plain(WrappedKey wrapped, byte[] value) {
    @Override
    public String toString() {
      return "Plain[redacted]";
    }
  }

  public SecretCache(SecretRepository secrets, Supplier<RootKeyring> keyring, Duration ttl) {
    this.secrets = secrets;
    this.keyring = keyring;
    this.ttlNanos = ttl.toNanos();
  }

  /** How long an entry is served before it is reloaded. */
  public Duration ttl() {
    return Duration.ofNanos(ttlNanos);
  }

  /** The secret, from memory when fresh. */
  public Secret get(String namespace, String name) {
    Id id = new Id(namespace, name);
    Entry e = entries.get(id);
    if (e == null || System.nanoTime() - e.loadedAt >= ttlNanos) {
      return refresh(namespace, name);
    }
    return e.secret;
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

  /**
   * This node's copy, however old, without touching the store: a base for a write that the store
   * checks by revision (a stale copy only costs that write a retry).
   */
  public java.util.Optional<Secret> peek(String namespace, String name) {
    Entry e = entries.get(new Id(namespace, name));
    return e == null ? java.util.Optional.empty() : java.util.Optional.of(e.secret);
  }

  /** Who refuses this cache's store reads on threads that must not wait (an event loop). */
  public void guardStoreReads(StoreReadGuard guard) {
    this.storeReads = java.util.Objects.requireNonNull(guard, "guard");
  }

  /** Reloads now: a version or label was asked for that this node's copy does not have yet. */
  public Secret refresh(String namespace, String name) {
    storeReads.check("secret '" + name + "'");
    Id id = new Id(namespace, name);
    Secret loaded = secrets.find(namespace, name).orElseThrow(() -> RekeyException.notFound(
        "no secret '" + name + "' in namespace '" + namespace + "'"));
    return store(id, loaded, entries.get(id)).secret;
  }

  /** A copy of the value of {@code version} of {@code secret} (as returned by {@link #get}); unwrapped once. */
  public byte[] value(Secret secret, SecretVersion version) {
    Id id = new Id(secret.namespace(), secret.name());
    Entry e = entries.get(id);
    WrappedKey wrapped = version.lifecycle().material();
    Plain p = e == null ? null : e.values.get(version.number());
    if (p == null || !p.wrapped.equals(wrapped)) {
      SecretBytes plain = keyring.get().unwrap(wrapped, secret.binding(version.number()));
      try {
        p = new Plain(wrapped, plain.reveal(SecretAccess.get()).clone());
      } finally {
        plain.destroy();
      }
      if (e != null && e.secret.revision() == secret.revision()) {
        e.values.put(version.number(), p);
      }
    }
    return p.value.clone();
  }

  /** Publishes a secret this node just wrote; merged by revision, so an older reload cannot win. */
  public void offer(Secret secret) {
    Id id = new Id(secret.namespace(), secret.name());
    store(id, secret, entries.get(id));
  }

  /** Drops every secret and value, overwriting the values. */
  public void clear() {
    entries.values().forEach(e -> e.values.values().forEach(p -> Arrays.fill(p.value, (byte) 0)));
    entries.clear();
  }

  private Entry store(Id id, Secret secret, Entry previous) {
    Map<Integer, Plain> values = new ConcurrentHashMap<>();
    if (previous != null) {
      // the few values read so far, not the whole history: a put offers every version
      for (Map.Entry<Integer, Plain> e : previous.values.entrySet()) {
        int number = e.getKey();
        if (number <= secret.latestVersion()
            && e.getValue().wrapped.equals(secret.requireVersion(number).lifecycle().material())) {
          values.put(number, e.getValue());
        }
      }
    }
    Entry fresh = new Entry(secret, System.nanoTime(), values);
    return entries.merge(id, fresh, (current, candidate) ->
        candidate.secret.revision() >= current.secret.revision() ? candidate : current);
  }
}
