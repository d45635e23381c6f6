package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.VersionUsers;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.secret.SecretVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Versioned secrets: put with check-and-set, read by staging label, custom label or version, move
 * labels, version lifecycle, and the namespace guardrail. Values are wrapped by the root keyring
 * and bound to namespace, name and version; every change is stored with its events in one
 * transaction, guarded by the secret's revision ({@link SecretWriter}), and served from this
 * node's {@link SecretCache}.
 */
public final class SecretService {
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  private final SecretRepository secrets;
  private final Clock clock;
  private final Duration minimumDestroyWait;
  private final SecretCache cache;
  private final SecretWriter writer;
  private final GuardrailCache guardrails;
  private final Object guardrailChanges = new Object();
  private volatile VersionUsers versionUsers = VersionUsers.NONE;

  /** Without a cache: every read goes to the store (tests, tools). */
  public SecretService(SecretRepository secrets, Transactions transactions, EventOutbox outbox,
      Supplier<RootKeyring> keyring, Clock clock, Duration minimumDestroyWait) {
    this(secrets, transactions, outbox, keyring, clock, minimumDestroyWait, new SecretCache(secrets, keyring,
        Duration.ZERO));
  }

  /** Reads served from {@code cache}; this service's writes update it at once. */
  public SecretService(SecretRepository secrets, Transactions transactions, EventOutbox outbox,
      Supplier<RootKeyring> keyring, Clock clock, Duration minimumDestroyWait, SecretCache cache) {
    this.cache = cache;
    this.secrets = secrets;
    this.clock = clock;
    this.minimumDestroyWait = minimumDestroyWait;
    this.writer = new SecretWriter(secrets, transactions, outbox, keyring, clock, cache);
    this.guardrails = new GuardrailCache(secrets, cache.ttl());
  }

  /**
   * How to write a version. {@code cas}: null writes unconditionally, 0 only creates a new secret,
   * N only writes when the CURRENT version is N. Expiry: {@code expiresAt} or {@code ttl} (not
   * both). {@code pending} writes the version as PENDING instead of CURRENT. {@code tags} null
   * keeps the secret's tags.
   */
  public record PutOptions(Integer cas, Instant expiresAt, Duration ttl, boolean pending, Map<String, String> tags) {
    public static final PutOptions DEFAULT = new PutOptions(null, null, null, false, null);
  }

  /** A secret version's value. The caller owns the bytes; they never appear in {@link #toString}. */
  public record Value(Secret secret, SecretVersion version, byte[] value) {
    @Override
    public String toString() {
      return "Secret.Value[" + secret.namespace() + "/" + secret.name() + " v" + version.number() + ", redacted]";
    }
  }

  public Secret put(String namespace, String name, byte[] value, PutOptions options) {
    return commit(prepare(namespace, name, value, options));
  }

  /**
   * Checks a put and works out its result from this node's copy of the secret (the store's when
   * there is none, or when the copy fails the check-and-set): nothing is written. Refuses what
   * {@link #put} refuses: bad input, the guardrail, a check-and-set the store does not match.
   */
  public PreparedPut prepare(String namespace, String name, byte[] value, PutOptions options) {
    checkPut(namespace, name, value, options);
    Instant now = clock.instant();
    Instant expiresAt = SecretWriter.expiry(options, now);
    guardrails.get(namespace).check(expiresAt, now);
    // First from this node's copy: the update is conditional on the revision, so a stale copy
    // fails as a concurrent modification and the put is redone on the store's copy. A
    // check-and-set is only ever refused on what the store says.
    Secret current = cache.peek(namespace, name).orElse(null);
    if (current == null || !casHolds(current, options.cas())) {
      current = secrets.find(namespace, name).orElse(null);
    }
    return writer.prepare(namespace, name, value, options, current, expiresAt, now);
  }

  /**
   * {@link #prepare} from memory alone, for a caller that must not wait for the store (an event
   * loop): empty when that would need the store (the secret or its namespace's guardrail not held
   * fresh here, a new secret, or a check-and-set this node's copy does not match); then call
   * {@link #prepare} where waiting is fine. Refuses bad input as {@link #prepare} does.
   */
  public Optional<PreparedPut> prepareFromMemory(String namespace, String name, byte[] value, PutOptions options) {
    checkPut(namespace, name, value, options);
    Optional<SecretGuardrail> guardrail = guardrails.fresh(namespace);
    Secret current = cache.isFresh(namespace, name) ? cache.peek(namespace, name).orElse(null) : null;
    if (guardrail.isEmpty() || current == null || !casHolds(current, options.cas())) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant expiresAt = SecretWriter.expiry(options, now);
    guardrail.get().check(expiresAt, now);
    return Optional.of(writer.prepare(namespace, name, value, options, current, expiresAt, now));
  }

  private static void checkPut(String namespace, String name, byte[] value, PutOptions options) {
    Names.namespace(namespace);
    Names.keyName(name);
    if (value == null) {
      throw RekeyException.invalid("a secret needs a value");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw RekeyException.invalid("a secret value has at most " + MAX_VALUE_BYTES + " bytes, got " + value.length);
    }
    if (options.tags() != null) {
      Names.tags(options.tags());
    }
  }

  /**
   * Stores a prepared put (in the caller's transaction, if any). When the secret changed since
   * it was prepared (another put, another node), the put is redone on the store's copy, up to a
   * few times; a check-and-set is then checked again against that copy.
   */
  public Secret commit(PreparedPut put) {
    return writer.commit(put);
  }

  /**
   * Who checks, inside each put's transaction, that the root generation of its new value is
   * still stored (the root of trust; see {@link LiveRootGenerations}).
   */
  public void guardRootGenerations(LiveRootGenerations live) {
    writer.guardRootGenerations(live);
  }

  /** The value of the version a label names (CURRENT when both are null) or of a version number. */
  public Value read(String namespace, String name, String label, Integer version) {
    if (label != null && version != null) {
      throw RekeyException.invalid("give a label or a version, not both");
    }
    Secret secret = cache.get(namespace, name);
    SecretVersion v;
    try {
      v = pick(secret, label, version);
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      // the version or label may be newer than this node's copy: look once more in the store
      secret = cache.refresh(namespace, name);
      v = pick(secret, label, version);
    }
    if (!v.readable()) {
      throw RekeyException.illegalState("version " + v.number() + " of secret '" + name + "' is "
          + v.state().wireName() + " and cannot be read");
    }
    return new Value(secret, v, cache.value(secret, v));
  }

  private static SecretVersion pick(Secret secret, String label, Integer version) {
    return version != null ? secret.requireVersion(version) : secret.byLabel(label == null ? "CURRENT" : label);
  }

  public Secret get(String namespace, String name) {
    return secrets.find(namespace, name).orElseThrow(() -> notFound(namespace, name));
  }

  static RekeyException notFound(String namespace, String name) {
    return RekeyException.notFound("no secret '" + name + "' in namespace '" + namespace + "'");
  }

  public List<Secret> list(String namespace, String afterName, int limit) {
    if (limit < 1 || limit > KeyService.MAX_PAGE) {
      throw RekeyException.invalid("limit must be between 1 and " + KeyService.MAX_PAGE);
    }
    return secrets.list(Names.namespace(namespace), afterName, limit);
  }

  /** Moves CURRENT to {@code version} (the PENDING one, or the PREVIOUS one to roll back). */
  public Secret promote(String namespace, String name, int version) {
    return writer.change(namespace, name, s -> s.promote(version, clock.instant()));
  }

  public Secret label(String namespace, String name, String label, int version) {
    return writer.change(namespace, name, s -> s.withLabel(label, version));
  }

  public Secret unlabel(String namespace, String name, String label) {
    return writer.change(namespace, name, s -> s.withoutLabel(label));
  }

  public Secret updateTags(String namespace, String name, Map<String, String> tags) {
    return writer.change(namespace, name, s -> s.withTags(Names.tags(tags)));
  }

  /** Who is asked before a secret version in use is retired, disabled or destroyed (the bound consumers). */
  public void guardVersions(VersionUsers users) {
    this.versionUsers = users;
  }

  /** Lifecycle of a version other than CURRENT, guarded by the version's users (never forced). */
  public Secret changeVersion(String namespace, String name, int version, VersionAction action, Integer pendingDays) {
    return changeVersion(namespace, name, version, action, pendingDays, false).secret();
  }

  /** A lifecycle change and the consumers of the version it overrode with force (usually none). */
  public record GuardedChange(Secret secret, List<String> overriddenConsumers) {}

  /**
   * Lifecycle of a version other than CURRENT: disable, enable, retire, revoke, destruction.
   * Retiring (moving PREVIOUS away), disabling, scheduling destruction of or destroying a version
   * that consumers still use is refused (VERSION_IN_USE, naming them) unless {@code force}, as for keys.
   */
  public GuardedChange changeVersion(String namespace, String name, int version, VersionAction action,
      Integer pendingDays, boolean force) {
    List<String> users = List.of();
    if (action == VersionAction.RETIRE || action == VersionAction.DISABLE || action == VersionAction.SCHEDULE_DESTROY
        || action == VersionAction.DESTROY) {
      users = versionUsers.using(namespace, name, version);
      if (!users.isEmpty() && !force) {
        throw new RekeyException(ErrorCode.VERSION_IN_USE, "version " + version + " of secret '" + name
            + "' is still used by consumer" + (users.size() == 1 ? " " : "s ") + String.join(", ", users)
            + "; wait until they move to the new version, or use force to override");
      }
    }
    return new GuardedChange(lifecycle(namespace, name, version, action, pendingDays), users);
  }

  private Secret lifecycle(String namespace, String name, int version, VersionAction action, Integer pendingDays) {
    return writer.change(namespace, name, s -> {
      Instant now = clock.instant();
      return switch (action) {
        case PROMOTE -> s.promote(version, now);
        case RETIRE -> s.move(version, VersionState.RETIRED, now, null);
        case DISABLE -> s.move(version, VersionState.DISABLED, now, null);
        case ENABLE -> enable(s, version, now);
        case REVOKE -> s.move(version, VersionState.REVOKED, now, null);
        case SCHEDULE_DESTROY -> s.move(version, VersionState.DESTROY_SCHEDULED, now,
            now.plus(KeyService.destroyWait(pendingDays, minimumDestroyWait)));
        case CANCEL_DESTROY -> cancelDestroy(s, version, now);
        case DESTROY -> s.move(version, VersionState.DESTROYED, now, null);
      };
    });
  }

  /** The namespace's guardrail as stored (read from the store, which also refreshes this node's copy). */
  public SecretGuardrail guardrail(String namespace) {
    return guardrails.load(Names.namespace(namespace));
  }

  /**
   * Stores a namespace's guardrail. Puts on this node follow it at once; other nodes within
   * their cache time ({@code cache_ttl}), as for secrets.
   */
  public SecretGuardrail setGuardrail(SecretGuardrail guardrail) {
    Names.namespace(guardrail.namespace());
    // One change at a time on this node: two at once could otherwise keep here the one stored
    // first (its thread caching it after the other's), against the store, for up to cache_ttl.
    synchronized (guardrailChanges) {
      secrets.putGuardrail(guardrail);
      guardrails.stored(guardrail);
    }
    return guardrail;
  }

  private static Secret enable(Secret s, int version, Instant now) {
    if (s.requireVersion(version).state() != VersionState.DISABLED) {
      throw RekeyException.illegalState("version " + version + " is " + s.requireVersion(version).state().wireName()
          + ", not disabled");
    }
    // Back to readable by number; the staging labels do not come back.
    return s.move(version, VersionState.RETIRED, now, null);
  }

  private static Secret cancelDestroy(Secret s, int version, Instant now) {
    SecretVersion v = s.requireVersion(version);
    if (v.state() != VersionState.DESTROY_SCHEDULED) {
      throw RekeyException.illegalState("version " + version + " is not scheduled for destruction");
    }
    return s.move(version, v.lifecycle().revokedAt() != null ? VersionState.REVOKED : VersionState.DISABLED, now, null);
  }

  /**
   * Publishes a secret written inside an enclosing transaction (a batch of the audit writer,
   * {@code AuditLog.submitWrite}) to this node's cache, once that transaction committed.
   */
  public void publish(Secret committed) {
    cache.offer(committed);
  }

  /** Reloads a secret into this node's cache, after a transaction that changed it committed. */
  public void reloadCache(String namespace, String name) {
    cache.refresh(namespace, name);
  }

  /** Drops cached secrets and values (on seal and root key rotation). */
  public void clearCache() {
    cache.clear();
  }

  private static boolean casHolds(Secret current, Integer cas) {
    return cas == null || cas == (current == null ? 0 : current.current().number());
  }
}
