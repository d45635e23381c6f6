package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.event.SecretEvents;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Stores secrets for {@link SecretService}: puts (a new value wrapped by the current root
 * generation, check-and-set, redone when the secret or the root key moved on) and changes of an
 * existing secret (labels, lifecycle), each stored with its events in one transaction guarded by
 * the secret's revision, then published to this node's {@link SecretCache} unless an enclosing
 * transaction may still roll back.
 */
final class SecretWriter {
  private static final int MAX_ATTEMPTS = 8;

  private final SecretRepository secrets;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Supplier<RootKeyring> keyring;
  private final Clock clock;
  private final SecretCache cache;
  private volatile LiveRootGenerations liveRoots = LiveRootGenerations.NONE;

  SecretWriter(SecretRepository secrets, Transactions transactions, EventOutbox outbox,
      Supplier<RootKeyring> keyring, Clock clock, SecretCache cache) {
    this.secrets = secrets;
    this.transactions = transactions;
    this.outbox = outbox;
    this.keyring = keyring;
    this.clock = clock;
    this.cache = cache;
  }

  /** Who checks, inside each put's transaction, that the root generation of its new value is still stored. */
  void guardRootGenerations(LiveRootGenerations live) {
    this.liveRoots = live;
  }

  /** A put of {@code value} onto {@code current} (null: a new secret), checked against its check-and-set. */
  PreparedPut prepare(String namespace, String name, byte[] value, SecretService.PutOptions options, Secret current,
      Instant expiresAt, Instant now) {
    checkCas(name, current, options.cas());
    if (current == null) {
      if (options.pending()) {
        throw RekeyException.invalid("secret '" + name + "' does not exist; its first version cannot be pending");
      }
      Secret created = Secret.create(namespace, name, options.tags(), wrap(namespace, name, 1, value), expiresAt, now);
      return new PreparedPut(namespace, name, value, options, null, created, SecretEvents.between(null, created, now));
    }
    WrappedKey wrapped = wrap(namespace, name, current.latestVersion() + 1, value);
    Secret updated = current.addVersion(wrapped, expiresAt, options.pending(), now);
    if (options.tags() != null) {
      updated = updated.withTags(options.tags());
    }
    return new PreparedPut(namespace, name, value, options, current, updated, SecretEvents.between(current, updated,
        now));
  }

  /** See {@link SecretService#commit}. */
  Secret commit(PreparedPut put) {
    PreparedPut attempt = put;
    for (int n = 1; ; n++) {
      try {
        if (!wrappedByCurrentRoot(attempt)) {
          // The root key rotated after the value was wrapped: a new secret would be missed by the
          // rotation's re-wrap and become unreadable once the old root is dropped. Wrap it again.
          throw RekeyException.concurrentModification("the root key changed while the put waited; it is redone");
        }
        return store(attempt);
      } catch (RekeyException e) {
        boolean raced = e.code() == ErrorCode.CONCURRENT_MODIFICATION
            || (attempt.current == null && e.code() == ErrorCode.ALREADY_EXISTS && put.options.cas() == null);
        if (!raced || n >= MAX_ATTEMPTS) {
          throw e;
        }
      }
      Instant now = clock.instant();
      Instant expiresAt = expiry(put.options, now);
      attempt = prepare(put.namespace, put.name, put.value, put.options,
          secrets.find(put.namespace, put.name).orElse(null), expiresAt, now);
    }
  }

  private boolean wrappedByCurrentRoot(PreparedPut put) {
    return newMaterial(put).rootKeyId().equals(keyring.get().currentId());
  }

  private static WrappedKey newMaterial(PreparedPut put) {
    return put.updated.requireVersion(put.updated.latestVersion()).lifecycle().material();
  }

  private Secret store(PreparedPut put) {
    transactions.run(() -> {
      // In the transaction, so a root key rotation cannot drop the generation before this commits;
      // refused (CONCURRENT_MODIFICATION) once it has, and commit() wraps the value again. The
      // versions a put carries over need no check: the revision it is conditional on changes when
      // the rotation re-wraps them. On SQLite this is a check in memory (see RootOfTrust.requireLive).
      liveRoots.requireLive(newMaterial(put).rootKeyId());
      if (put.current == null) {
        secrets.insert(put.updated);
      } else {
        secrets.update(put.current, put.updated);
      }
      outbox.append(put.events);
    });
    offerUnlessInTransaction(put.updated);
    return put.updated;
  }

  /** Applies {@code operation} to the stored secret and stores the result, retried on a concurrent change. */
  Secret change(String namespace, String name, UnaryOperator<Secret> operation) {
    for (int attempt = 1; ; attempt++) {
      Secret current = secrets.find(namespace, name).orElseThrow(() -> SecretService.notFound(namespace, name));
      Secret updated = operation.apply(current);
      try {
        store(current, updated, clock.instant());
        return updated;
      } catch (RekeyException e) {
        if (e.code() != ErrorCode.CONCURRENT_MODIFICATION || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void store(Secret current, Secret updated, Instant now) {
    transactions.run(() -> {
      secrets.update(current, updated);
      outbox.append(SecretEvents.between(current, updated, now));
    });
    offerUnlessInTransaction(updated);
  }

  /**
   * Publishes a write to the cache, except inside an enclosing transaction (a rotation step) that
   * may still roll back: the caller reloads the entry after its commit ({@link SecretService#reloadCache}).
   */
  private void offerUnlessInTransaction(Secret written) {
    if (!transactions.active()) {
      cache.offer(written);
    }
  }

  private static void checkCas(String name, Secret current, Integer cas) {
    if (cas == null) {
      return;
    }
    int actual = current == null ? 0 : current.current().number();
    if (cas != actual) {
      throw RekeyException.concurrentModification("check-and-set failed for secret '" + name + "': expected current"
          + " version " + cas + ", found " + (current == null ? "no secret" : "version " + actual));
    }
  }

  /** When a version put at {@code now} with {@code o} expires (null: never). */
  static Instant expiry(SecretService.PutOptions o, Instant now) {
    if (o.expiresAt() != null && o.ttl() != null) {
      throw RekeyException.invalid("give expires_at or ttl, not both");
    }
    if (o.ttl() != null) {
      if (o.ttl().isNegative() || o.ttl().isZero()) {
        throw RekeyException.invalid("ttl must be a positive duration such as P30D");
      }
      return now.plus(o.ttl());
    }
    return o.expiresAt();
  }

  private WrappedKey wrap(String namespace, String name, int version, byte[] value) {
    SecretBytes plain = SecretBytes.copyOf(value);
    try {
      return keyring.get().wrap(plain, MaterialBinding.secretVersion(namespace, name, version));
    } finally {
      plain.destroy();
    }
  }
}
