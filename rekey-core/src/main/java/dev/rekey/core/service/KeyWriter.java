package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.KeyEvents;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Stores keys for {@link KeyService}: new material wrapped by the root keyring, and every write
 * as one optimistic-concurrency write of the whole key, stored in one transaction with the events
 * that describe it (the outbox) and then offered to the local {@link KeyCache}. A write is retried
 * on a concurrent change, and redone when the root key rotated after its new material was
 * wrapped: new material is never stored under a superseded or dropped root generation.
 */
final class KeyWriter {
  private static final int MAX_ATTEMPTS = 8;

  private final KeyRepository keys;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Supplier<RootKeyring> keyring;
  private final KeyCache cache;
  private final Clock clock;
  private volatile LiveRootGenerations liveRoots = LiveRootGenerations.NONE;

  KeyWriter(KeyRepository keys, Transactions transactions, EventOutbox outbox, Supplier<RootKeyring> keyring,
      KeyCache cache, Clock clock) {
    this.keys = keys;
    this.transactions = transactions;
    this.outbox = outbox;
    this.keyring = keyring;
    this.cache = cache;
    this.clock = clock;
  }

  /** Who checks, inside each write's transaction, that its new material's root generations are still stored. */
  void guardRootGenerations(LiveRootGenerations live) {
    this.liveRoots = live;
  }

  /**
   * Inserts the key {@code build} makes (created at {@code now}) with its created event; {@code build}
   * is called again, wrapping new material, when the root key rotated meanwhile or the insert raced.
   */
  Key insert(String name, Instant now, Supplier<Key> build) {
    for (int attempt = 1; ; attempt++) {
      // wrapped again when the root key rotated meanwhile (see change)
      Key key = build.get();
      if (!newMaterialUnderCurrentRoot(null, key)) {
        if (attempt >= MAX_ATTEMPTS) {
          throw rootKeptRotating(name);
        }
        continue;
      }
      try {
        transactions.run(() -> {
          requireLiveRoots(null, key);
          keys.insert(key);
          outbox.append(KeyEvents.created(key, now));
        });
        return key;
      } catch (RekeyException e) {
        if (e.code() != dev.rekey.api.ErrorCode.CONCURRENT_MODIFICATION || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Applies {@code operation} to the stored key and stores the result with its events; the whole
   * read-modify-write is retried when another writer got there first.
   */
  Key change(String namespace, String name, UnaryOperator<Key> operation) {
    return change(namespace, name, operation, before -> { });
  }

  /**
   * As above; {@code recheck} (given the key as it was before the write) runs in the write's
   * transaction after the key is written, so after the key row is locked against other writers and
   * against holders of {@link KeyRepository#holdShared} until this commits. A guard over other
   * tables (stored DEKs) checks again there, where a re-wrap batch can no longer move them under it.
   */
  Key change(String namespace, String name, UnaryOperator<Key> operation, Consumer<Key> recheck) {
    for (int attempt = 1; ; attempt++) {
      Key current = keys.find(namespace, name).orElseThrow(() -> KeyService.notFound(namespace, name));
      Key updated = operation.apply(current);
      if (updated.revision() == current.revision()) {
        return current;
      }
      if (!newMaterialUnderCurrentRoot(current, updated)) {
        // The root key rotated after the new version was wrapped: stored under the old generation,
        // the rotation's re-wrap could miss it and the version would be unreadable once that
        // generation is dropped. Apply the operation again, wrapping under the current one; never
        // store it under a superseded generation, however many attempts that takes.
        if (attempt >= MAX_ATTEMPTS) {
          throw rootKeptRotating(name);
        }
        continue;
      }
      List<Event> events = KeyEvents.between(current, updated, clock.instant());
      boolean enclosed = transactions.active();
      try {
        transactions.run(() -> {
          // in the transaction: a root key rotation cannot drop the generation before this commits
          requireLiveRoots(current, updated);
          keys.update(updated, current.revision());
          recheck.accept(current);
          outbox.append(events);
        });
        if (enclosed) {
          // The caller's transaction may still roll back: never cache a version that might not exist.
          // A request on this node may meanwhile cache the key as committed before: drop it again
          // once the caller's transaction commits, so this node sees the change at once.
          cache.invalidate(namespace, name);
          transactions.afterCommit(() -> cache.invalidate(namespace, name));
        } else {
          cache.offer(updated);
        }
        return updated;
      } catch (RekeyException e) {
        if (e.code() != dev.rekey.api.ErrorCode.CONCURRENT_MODIFICATION || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** New material for {@code version} of a key of {@code type}, wrapped by the current root generation. */
  WrappedKey newMaterial(String namespace, String name, int version, KeyType type) {
    SecretBytes material = type.purpose() == KeyPurpose.SIGNING ? SignatureAlgorithm.of(type).generate()
        : SecretBytes.random(type.materialLength());
    try {
      return keyring.get().wrap(material, MaterialBinding.keyVersion(namespace, name, version));
    } finally {
      material.destroy();
    }
  }

  private static RekeyException rootKeptRotating(String name) {
    return RekeyException.concurrentModification("the root key kept rotating while new material of key '" + name
        + "' was wrapped; nothing was stored, retry");
  }

  /**
   * Inside the write's transaction: refuses (CONCURRENT_MODIFICATION, retried by the callers) new
   * material under a root generation that a rotation has dropped. The versions {@code updated}
   * carries over from {@code current} need no check: the revision the write is conditional on
   * changes when the rotation re-wraps them.
   */
  private void requireLiveRoots(Key current, Key updated) {
    int known = current == null ? 0 : current.latestVersion();
    for (int v = known + 1; v <= updated.latestVersion(); v++) {
      WrappedKey m = updated.requireVersion(v).material();
      if (m != null) {
        liveRoots.requireLive(m.rootKeyId());
      }
    }
  }

  /** Are the versions {@code updated} adds to {@code current} (null: all) wrapped by the current root generation? */
  private boolean newMaterialUnderCurrentRoot(Key current, Key updated) {
    String root = keyring.get().currentId();
    int known = current == null ? 0 : current.latestVersion();
    for (int v = known + 1; v <= updated.latestVersion(); v++) {
      WrappedKey m = updated.requireVersion(v).material();
      if (m != null && !m.rootKeyId().equals(root)) {
        return false;
      }
    }
    return true;
  }
}
