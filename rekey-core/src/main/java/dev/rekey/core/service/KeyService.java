package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.Names;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.port.PromotionGate;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.VersionUsers;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.RootKeyring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Creates keys and moves their versions through the lifecycle. Every change is one
 * optimistic-concurrency write of the whole key, retried on a concurrent change, stored in one
 * transaction with the events that describe it (the outbox), and then offered to the local
 * {@link KeyCache} ({@link KeyWriter}). Rotations, ordinary and emergency, are {@link KeyRotator}'s;
 * what may take a version away (consumers, stored data keys, approval) is {@link KeyVersionGuards}'.
 */
public final class KeyService {
  public static final int MAX_PAGE = 1000;

  private final KeyRepository keys;
  private final Clock clock;
  private final Duration minimumDestroyWait;
  private final KeyWriter writer;
  private final KeyRotator rotator;
  private final KeyVersionGuards guards;

  public KeyService(KeyRepository keys, Transactions transactions, EventOutbox outbox,
      Supplier<RootKeyring> keyring, KeyCache cache, Clock clock, Duration minimumDestroyWait) {
    this(keys, transactions, outbox, keyring, cache, clock, minimumDestroyWait, StoredDekVersions.NONE);
  }

  /**
   * With {@code storedDeks}, a version that stored data keys are still wrapped by can be neither
   * retired, passed by the minimum decryption version, disabled, scheduled for destruction nor
   * destroyed (their re-wrap campaign must move them first). It can be revoked: a compromised
   * version must be stoppable at once, and a campaign can still read a revoked version.
   */
  public KeyService(KeyRepository keys, Transactions transactions, EventOutbox outbox,
      Supplier<RootKeyring> keyring, KeyCache cache, Clock clock, Duration minimumDestroyWait,
      StoredDekVersions storedDeks) {
    this.keys = keys;
    this.clock = clock;
    this.minimumDestroyWait = minimumDestroyWait;
    this.writer = new KeyWriter(keys, transactions, outbox, keyring, cache, clock);
    this.rotator = new KeyRotator(keys, writer, outbox, clock);
    this.guards = new KeyVersionGuards(storedDeks);
  }

  public Key create(String namespace, String name, KeyType type, Map<String, String> tags) {
    return create(namespace, name, type, tags, false);
  }

  /** A new key; {@code exportable} allows explicit export of its material (see KeyExportService). */
  public Key create(String namespace, String name, KeyType type, Map<String, String> tags, boolean exportable) {
    Names.namespace(namespace);
    Names.keyName(name);
    Names.tags(tags);
    Instant now = clock.instant();
    return writer.insert(name, now, () -> Key.create(namespace, name, type, tags, exportable,
        writer.newMaterial(namespace, name, 1, type), now));
  }

  /**
   * Who checks, inside each write's transaction, that the root generations its new material is
   * wrapped under are still stored (the root of trust; see {@link LiveRootGenerations}).
   */
  public void guardRootGenerations(LiveRootGenerations live) {
    writer.guardRootGenerations(live);
  }

  /** The shortest wait before a scheduled destruction that this service accepts (purge protection). */
  public Duration minimumDestroyWait() {
    return minimumDestroyWait;
  }

  public Key get(String namespace, String name) {
    return keys.find(namespace, name).orElseThrow(() -> notFound(namespace, name));
  }

  public List<Key> list(String namespace, String afterName, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw RekeyException.invalid("limit must be between 1 and " + MAX_PAGE);
    }
    return keys.list(Names.namespace(namespace), afterName, limit);
  }

  /**
   * Adds a version; with {@code promote} it becomes the primary at once, otherwise it is PENDING.
   * When the key's policy requires verification ({@link #guardPromotion}), a promoting rotation adds
   * the version as PENDING, validates it, and promotes it only if validation passed; otherwise the
   * version stays PENDING and a {@code RotationFailed} event names who failed.
   */
  public Key rotate(String namespace, String name, boolean promote) {
    return rotator.rotate(namespace, name, promote);
  }

  /** Who validates new versions before they become primary, when a key's policy asks for it. */
  public void guardPromotion(PromotionGate gate) {
    rotator.guardPromotion(gate);
  }

  /**
   * What an emergency rotation did: the key after it, the compromised version, and whether this
   * call revoked it ({@code false}: it was revoked or destroyed already, and nothing changed).
   */
  public record EmergencyRotation(Key key, int revokedVersion, boolean revoked) {}

  /**
   * The primary as it is when called is compromised: a new primary at once and that version
   * REVOKED. It is that version, not whichever is primary when the write goes through, that gets
   * revoked: if a concurrent rotation has made another version primary meanwhile (a scheduled
   * rotation, another node), the compromised one is revoked where it now is and the newer primary
   * stays; if a concurrent emergency rotation has revoked it already, nothing more changes.
   */
  public EmergencyRotation emergencyRotate(String namespace, String name) {
    return emergencyRotate(namespace, name, null);
  }

  /**
   * As {@link #emergencyRotate(String, String)}, for the version the caller names as compromised
   * ({@code null}: the primary when called). Naming it closes the gap between what an operator saw
   * and what the key is when the request arrives: a version that is primary is replaced and
   * revoked; one that is not (a scheduled rotation demoted it, or it never was primary) is revoked
   * where it is and the primary stays; one already revoked or destroyed is left as it is.
   * NOT_FOUND for a version the key does not have.
   */
  public EmergencyRotation emergencyRotate(String namespace, String name, Integer version) {
    return rotator.emergencyRotate(namespace, name, version);
  }

  public Key changeVersion(String namespace, String name, int version, VersionAction action, Integer pendingDays) {
    return changeVersion(namespace, name, version, action, pendingDays, false).key();
  }

  /** Who is asked before a version in use is retired, disabled or scheduled for destruction. */
  public void guardVersions(VersionUsers users) {
    guards.guardVersions(users);
  }

  /**
   * Namespaces where destroying a version needs a person's approval (two-person approval): there
   * rotation policies retire versions but never schedule their destruction.
   */
  public void guardDestruction(java.util.function.Predicate<String> needsApproval) {
    guards.guardDestruction(needsApproval);
  }

  /** May a rotation policy schedule the destruction of versions of this namespace on its own? */
  public boolean mayDestroyAutomatically(String namespace) {
    return guards.mayDestroyAutomatically(namespace);
  }

  /**
   * A lifecycle action; retiring, disabling or scheduling destruction of a version that consumers
   * still use is refused (VERSION_IN_USE, naming them) unless {@code force}. The result names the
   * consumers a forced action overrode, so the caller can audit the override.
   */
  public GuardedChange changeVersion(String namespace, String name, int version, VersionAction action,
      Integer pendingDays, boolean force) {
    List<String> users = List.of();
    if (action == VersionAction.RETIRE || action == VersionAction.DISABLE || action == VersionAction.SCHEDULE_DESTROY) {
      users = guards.requireUnused(namespace, name, version, force);
    }
    // the stored-DEK guard again in the write's transaction: a re-wrap batch may have committed DEKs
    // under the version since apply counted them
    return new GuardedChange(writer.change(namespace, name, k -> apply(k, version, action, pendingDays),
        before -> requireNoStoredDeks(before, version, action)), users);
  }

  /**
   * Whether automation (a rotation policy's auto-retire and pruning) may retire or schedule the
   * destruction of {@code version}: no consumer still uses it and no stored data key is wrapped by
   * it, the guards a person's request meets (without force, which automation never has).
   */
  public boolean mayTakeAwayAutomatically(String namespace, String name, int version) {
    return guards.mayTakeAwayAutomatically(namespace, name, version);
  }

  /** A lifecycle change and the consumers of the version it overrode with force (usually none). */
  public record GuardedChange(Key key, List<String> overriddenConsumers) {}

  /** Changes minimum versions and tags; null leaves a setting as it is. */
  public Key update(String namespace, String name, Integer minDecryption, Integer minEncryption,
      Map<String, String> tags) {
    return update(namespace, name, minDecryption, minEncryption, tags, null);
  }

  /** As above; {@code exportable} true makes the key exportable (one way: false is refused). */
  public Key update(String namespace, String name, Integer minDecryption, Integer minEncryption,
      Map<String, String> tags, Boolean exportable) {
    return update(namespace, name, minDecryption, minEncryption, tags, exportable, false).key();
  }

  /**
   * As above. Raising the minimum decryption version retires the ACTIVE versions below it, so it is
   * guarded as retiring each of them is: refused (VERSION_IN_USE, naming the consumers) while
   * consumers still use one of them, unless {@code force}; the result names the consumers a forced
   * raise overrode. Stored data keys wrapped by a version it passes refuse it even with force.
   */
  public GuardedChange update(String namespace, String name, Integer minDecryption, Integer minEncryption,
      Map<String, String> tags, Boolean exportable, boolean force) {
    // Set on every attempt: the versions a raise retires depend on the key as read by that attempt.
    AtomicReference<List<String>> overridden = new AtomicReference<>(List.of());
    Key updated = writer.change(namespace, name, k -> {
      Key next = k;
      overridden.set(List.of());
      if (minDecryption != null) {
        next = next.withMinDecryptionVersion(minDecryption, clock.instant());
        if (minDecryption > k.minDecryptionVersion()) {
          overridden.set(guards.requireRetiredVersionsUnused(k, next, force));
          guards.requireNoStoredDeks(k, k.minDecryptionVersion(), minDecryption,
              "raise the minimum decryption version to " + minDecryption);
        }
      }
      if (minEncryption != null) {
        next = next.withMinEncryptionVersion(minEncryption);
      }
      if (tags != null) {
        next = next.withTags(tags);
      }
      if (exportable != null) {
        next = next.withExportable(exportable);
      }
      return next;
    }, before -> {
      // again in the write's transaction, as for changeVersion
      if (minDecryption != null && minDecryption > before.minDecryptionVersion()) {
        guards.requireNoStoredDeks(before, before.minDecryptionVersion(), minDecryption,
            "raise the minimum decryption version to " + minDecryption);
      }
    });
    return new GuardedChange(updated, overridden.get());
  }

  private Key apply(Key k, int version, VersionAction action, Integer pendingDays) {
    Instant now = clock.instant();
    return switch (action) {
      case PROMOTE -> k.promote(version, now);
      case RETIRE -> {
        requireNoStoredDeks(k, version, action);
        yield k.retire(version, now);
      }
      case DISABLE -> {
        requireNoStoredDeks(k, version, action);
        yield k.disable(version, now);
      }
      case ENABLE -> k.enable(version, now);
      // Allowed with stored DEKs: a compromised version must be revocable at once, and a re-wrap
      // campaign can still read a REVOKED version to move them away before it is destroyed.
      case REVOKE -> k.revoke(version, now);
      case SCHEDULE_DESTROY -> {
        requireNoStoredDeks(k, version, action);
        yield k.scheduleDestruction(version, now.plus(destroyWait(pendingDays, minimumDestroyWait)), now);
      }
      case CANCEL_DESTROY -> k.cancelDestruction(version, now);
      case DESTROY -> {
        requireNoStoredDeks(k, version, action);
        yield k.destroy(version, now);
      }
    };
  }

  /** Refuses (ILLEGAL_STATE) an {@code action} that would leave stored DEKs under {@code version} unreadable. */
  private void requireNoStoredDeks(Key k, int version, VersionAction action) {
    switch (action) {
      case RETIRE -> guards.requireNoStoredDeks(k, version, version + 1, "retire version " + version);
      case DISABLE -> guards.requireDeksMovedAway(k, version, "disable");
      case SCHEDULE_DESTROY -> guards.requireDeksMovedAway(k, version, "schedule destruction of");
      case DESTROY -> guards.requireDeksMovedAway(k, version, "destroy");
      default -> { }
    }
  }

  /** The waiting period before destruction: {@code pendingDays} (default 30), never below purge protection. */
  static Duration destroyWait(Integer pendingDays, Duration minimumDestroyWait) {
    int days = pendingDays == null ? 30 : pendingDays;
    if (days < 1 || days > 365) {
      throw RekeyException.invalid("pending_days must be between 1 and 365");
    }
    Duration wait = Duration.ofDays(days);
    if (wait.compareTo(minimumDestroyWait) < 0) {
      throw RekeyException.invalid("pending_days must be at least " + minimumDestroyWait.toDays()
          + " (purge protection)");
    }
    return wait;
  }

  /**
   * Applies {@code operation} to the stored key and stores the result with its events; the whole
   * read-modify-write is retried when another writer got there first. New material is never
   * stored under a superseded root generation (see {@link KeyWriter#change}).
   */
  public Key change(String namespace, String name, UnaryOperator<Key> operation) {
    return writer.change(namespace, name, operation);
  }

  static RekeyException notFound(String namespace, String name) {
    return RekeyException.notFound("no key '" + name + "' in namespace '" + namespace + "'");
  }
}
