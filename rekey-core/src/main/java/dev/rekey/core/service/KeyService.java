package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.KeyEvents;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.port.PromotionGate;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.VersionUsers;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Creates keys and moves their versions through the lifecycle. Every change is one
 * optimistic-concurrency write of the whole key, retried on a concurrent change, stored in one
 * transaction with the events that describe it (the outbox), and then offered to the local
 * {@link KeyCache}.
 */
public final class KeyService {
  private static final int MAX_ATTEMPTS = 8;
  public static final int MAX_PAGE = 1000;

  private final KeyRepository keys;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Supplier<RootKeyring> keyring;
  private final KeyCache cache;
  private final Clock clock;
  private final Duration minimumDestroyWait;
  private final StoredDekVersions storedDeks;
  private java.util.function.Predicate<String> destructionNeedsApproval = namespace -> false;
  private volatile VersionUsers versionUsers = VersionUsers.NONE;
  private volatile PromotionGate promotionGate = PromotionGate.NONE;
  private volatile LiveRootGenerations liveRoots = LiveRootGenerations.NONE;

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
    this.storedDeks = storedDeks;
    this.keys = keys;
    this.transactions = transactions;
    this.outbox = outbox;
    this.keyring = keyring;
    this.cache = cache;
    this.clock = clock;
    this.minimumDestroyWait = minimumDestroyWait;
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
    for (int attempt = 1; ; attempt++) {
      // wrapped again when the root key rotated meanwhile (see change)
      Key key = Key.create(namespace, name, type, tags, exportable, newMaterial(namespace, name, 1, type), now);
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
   * Who checks, inside each write's transaction, that the root generations its new material is
   * wrapped under are still stored (the root of trust; see {@link LiveRootGenerations}).
   */
  public void guardRootGenerations(LiveRootGenerations live) {
    this.liveRoots = live;
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
    boolean verify = promote && promotionGate.required(namespace, name);
    Key rotated = change(namespace, name, k -> k.rotate(newMaterial(namespace, name, k.latestVersion() + 1, k.type()),
        promote && !verify, clock.instant()));
    if (!verify) {
      return rotated;
    }
    int version = rotated.latestVersion();
    List<String> failed = promotionGate.validate(namespace, name, version);
    if (failed.isEmpty()) {
      return change(namespace, name, k -> k.promote(version, clock.instant()));
    }
    Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("key", name);
    data.put("version", version);
    data.put("reason", "consumer validation failed");
    data.put("consumers", String.join(",", failed));
    outbox.append(List.of(Event.of(dev.rekey.core.event.EventType.ROTATION_FAILED, clock.instant(), namespace,
        KeyEvents.subject(rotated, version), rotated.tags(), data)));
    return rotated;
  }

  /** Who validates new versions before they become primary, when a key's policy asks for it. */
  public void guardPromotion(PromotionGate gate) {
    this.promotionGate = gate;
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
    int compromised = version != null ? get(namespace, name).requireVersion(version).number()
        : get(namespace, name).primary().number();
    // set on every attempt: whether it revokes depends on the key as that attempt read it
    java.util.concurrent.atomic.AtomicBoolean revoked = new java.util.concurrent.atomic.AtomicBoolean();
    Key key = change(namespace, name, k -> {
      KeyVersion v = k.requireVersion(compromised);
      revoked.set(v.revokedAt() == null && v.state() != VersionState.DESTROYED);
      if (v.state() == VersionState.PRIMARY) {
        return k.emergencyRotate(newMaterial(namespace, name, k.latestVersion() + 1, k.type()), clock.instant());
      }
      if (!revoked.get()) {
        return k;
      }
      return k.revoke(compromised, clock.instant());
    });
    return new EmergencyRotation(key, compromised, revoked.get());
  }

  public Key changeVersion(String namespace, String name, int version, VersionAction action, Integer pendingDays) {
    return changeVersion(namespace, name, version, action, pendingDays, false).key();
  }

  /** Who is asked before a version in use is retired, disabled or scheduled for destruction. */
  public void guardVersions(VersionUsers users) {
    this.versionUsers = users;
  }

  /**
   * Namespaces where destroying a version needs a person's approval (two-person approval): there
   * rotation policies retire versions but never schedule their destruction.
   */
  public void guardDestruction(java.util.function.Predicate<String> needsApproval) {
    this.destructionNeedsApproval = needsApproval;
  }

  /** May a rotation policy schedule the destruction of versions of this namespace on its own? */
  public boolean mayDestroyAutomatically(String namespace) {
    return !destructionNeedsApproval.test(namespace);
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
      users = versionUsers.using(namespace, name, version);
      requireUnused(name, List.of(version), users, force);
    }
    return new GuardedChange(change(namespace, name, k -> apply(k, version, action, pendingDays)), users);
  }

  /**
   * Refuses (VERSION_IN_USE, naming them) taking {@code versions} of key {@code name} away from the
   * consumers {@code users}, unless {@code force}.
   */
  private static void requireUnused(String name, List<Integer> versions, List<String> users, boolean force) {
    if (!users.isEmpty() && !force) {
      throw new RekeyException(dev.rekey.api.ErrorCode.VERSION_IN_USE, (versions.size() == 1 ? "version " : "versions ")
          + String.join(", ", versions.stream().map(String::valueOf).toList()) + " of key '" + name + "' "
          + (versions.size() == 1 ? "is" : "are") + " still used by consumer" + (users.size() == 1 ? " " : "s ")
          + String.join(", ", users) + "; wait until they move to the new version, or use force to override");
    }
  }

  /**
   * Whether automation (a rotation policy's auto-retire and pruning) may retire or schedule the
   * destruction of {@code version}: no consumer still uses it and no stored data key is wrapped by
   * it, the guards a person's request meets (without force, which automation never has).
   */
  public boolean mayTakeAwayAutomatically(String namespace, String name, int version) {
    return versionUsers.using(namespace, name, version).isEmpty()
        && storedDeks.countWrapped(namespace, name, version, version + 1) == 0;
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
    Key updated = change(namespace, name, k -> {
      Key next = k;
      overridden.set(List.of());
      if (minDecryption != null) {
        next = next.withMinDecryptionVersion(minDecryption, clock.instant());
        if (minDecryption > k.minDecryptionVersion()) {
          overridden.set(requireRetiredVersionsUnused(k, next, force));
          requireNoStoredDeks(k, k.minDecryptionVersion(), minDecryption, "raise the minimum decryption version to "
              + minDecryption);
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
    });
    return new GuardedChange(updated, overridden.get());
  }

  /**
   * The consumer guard of a raise of the minimum decryption version from {@code before} to
   * {@code after}: the versions it retires must be unused, as {@code changeVersion} requires of a
   * retire, unless {@code force}. Returns the consumers of those versions (empty when none).
   */
  private List<String> requireRetiredVersionsUnused(Key before, Key after, boolean force) {
    List<Integer> inUse = new ArrayList<>();
    Set<String> users = new LinkedHashSet<>();
    for (KeyVersion v : before.versions()) {
      boolean retired = v.state() != VersionState.RETIRED
          && after.requireVersion(v.number()).state() == VersionState.RETIRED;
      List<String> using = retired ? versionUsers.using(before.namespace(), before.name(), v.number()) : List.of();
      if (!using.isEmpty()) {
        inUse.add(v.number());
        users.addAll(using);
      }
    }
    requireUnused(before.name(), inUse, List.copyOf(users), force);
    return List.copyOf(users);
  }

  private Key apply(Key k, int version, VersionAction action, Integer pendingDays) {
    Instant now = clock.instant();
    return switch (action) {
      case PROMOTE -> k.promote(version, now);
      case RETIRE -> {
        requireNoStoredDeks(k, version, version + 1, "retire version " + version);
        yield k.retire(version, now);
      }
      case DISABLE -> {
        requireDeksMovedAway(k, version, "disable");
        yield k.disable(version, now);
      }
      case ENABLE -> k.enable(version, now);
      // Allowed with stored DEKs: a compromised version must be revocable at once, and a re-wrap
      // campaign can still read a REVOKED version to move them away before it is destroyed.
      case REVOKE -> k.revoke(version, now);
      case SCHEDULE_DESTROY -> {
        requireDeksMovedAway(k, version, "schedule destruction of");
        yield k.scheduleDestruction(version, now.plus(destroyWait(pendingDays, minimumDestroyWait)), now);
      }
      case CANCEL_DESTROY -> k.cancelDestruction(version, now);
      case DESTROY -> {
        requireDeksMovedAway(k, version, "destroy");
        yield k.destroy(version, now);
      }
    };
  }

  /**
   * Refuses to {@code verb} a version that stored DEKs are still wrapped by: it would leave them
   * unreadable even to a re-wrap campaign (DISABLED, DESTROY_SCHEDULED) or lose them (DESTROYED).
   */
  private void requireDeksMovedAway(Key k, int version, String verb) {
    requireNoStoredDeks(k, version, version + 1, verb + " version " + version, "a re-wrap campaign must move them"
        + " to another version first (rekey rewrap-campaign start " + k.name() + " --from-version " + version + ")");
  }

  /** Refuses {@code what} while stored DEKs are wrapped by versions from {@code from} to {@code toExclusive}. */
  private void requireNoStoredDeks(Key k, int from, int toExclusive, String what) {
    requireNoStoredDeks(k, from, toExclusive, what, "let their re-wrap campaign finish first");
  }

  /**
   * As above, {@code advice} saying what to do. ILLEGAL_STATE, and force does not override it: force
   * overrides consumers, who can be told to move; stored DEKs would simply become unreadable.
   */
  private void requireNoStoredDeks(Key k, int from, int toExclusive, String what, String advice) {
    long count = storedDeks.countWrapped(k.namespace(), k.name(), from, toExclusive);
    if (count > 0) {
      String versions = toExclusive - from == 1 ? "version " + from : "versions " + from + " to " + (toExclusive - 1);
      throw RekeyException.illegalState("cannot " + what + " of key '" + k.name() + "': " + count
          + " stored data keys are still wrapped by " + versions + "; " + advice);
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
   * read-modify-write is retried when another writer got there first.
   */
  public Key change(String namespace, String name, UnaryOperator<Key> operation) {
    for (int attempt = 1; ; attempt++) {
      Key current = get(namespace, name);
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

  private WrappedKey newMaterial(String namespace, String name, int version, KeyType type) {
    SecretBytes material = type.purpose() == KeyPurpose.SIGNING ? SignatureAlgorithm.of(type).generate()
        : SecretBytes.random(type.materialLength());
    try {
      return keyring.get().wrap(material, MaterialBinding.keyVersion(namespace, name, version));
    } finally {
      material.destroy();
    }
  }

  static RekeyException notFound(String namespace, String name) {
    return RekeyException.notFound("no key '" + name + "' in namespace '" + namespace + "'");
  }
}
