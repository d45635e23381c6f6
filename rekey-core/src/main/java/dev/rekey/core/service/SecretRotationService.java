package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.Names;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.RotationStep;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.core.secret.rotation.SecretRotator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the secret rotation protocol: CREATE (the new value stored PENDING), SET, TEST, FINISH
 * (CURRENT moves), each step persisted with the rotation's state in one transaction, so a crash
 * anywhere resumes at the step that did not commit. A failing step leaves CURRENT as it is,
 * records the step and reason, emits {@code RotationFailed} and is retried with exponential
 * backoff; after {@link #MAX_FAILURES} the rotation is ABANDONED and its PENDING version disabled,
 * so nothing blocks the next rotation. Rotations start on demand, on schedule (a configuration's
 * period) and a lead time before CURRENT expires: both are folded into one indexed next-due time.
 */
public final class SecretRotationService {
  private static final Logger LOG = LoggerFactory.getLogger(SecretRotationService.class);
  public static final int MAX_FAILURES = 8;
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(30);
  static final Duration LEASE = Duration.ofMinutes(2);

  private final SecretService secrets;
  private final SecretRotationRepository rotations;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Map<String, SecretRotator> rotators;
  private final Clock clock;
  private final String node;
  private final Duration minimumPeriod;

  /**
   * @param minimumPeriod the shortest {@code period} a configuration may give (the server's
   *     {@code minimum_rotation_period}); each rotation adds a version and changes the target system
   */
  public SecretRotationService(SecretService secrets, SecretRotationRepository rotations, Transactions transactions,
      EventOutbox outbox, List<SecretRotator> rotators, Clock clock, String node, Duration minimumPeriod) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.transactions = transactions;
    this.outbox = outbox;
    this.rotators = new LinkedHashMap<>();
    rotators.forEach(r -> this.rotators.put(r.type(), r));
    this.clock = clock;
    this.node = node;
    this.minimumPeriod = minimumPeriod;
  }

  /**
   * Called once when the node starts: leases held under this node's (stable) name are left over
   * from before a crash, so they are released and the rotations resume at once.
   */
  public int recover() {
    return rotations.releaseAll(node);
  }

  public List<String> rotatorTypes() {
    return List.copyOf(rotators.keySet());
  }

  /**
   * Who stores a configuration: may it read the value of a secret of the namespace? (For an HTTP
   * caller, the permission {@code GET /v1/secrets/<name>} needs.)
   */
  @FunctionalInterface
  public interface SecretReadAccess {
    boolean mayRead(String namespace, String secret);
  }

  /**
   * Stores how a secret rotates; the first scheduled start is one period from now. Security: a
   * rotation hands the secrets its parameters name (an administrator's password, a signing key)
   * to a system its parameters also choose, so the caller must be allowed to read each of them
   * ({@link SecretRotator#secretParams}); FORBIDDEN otherwise, and nothing is stored.
   */
  public RotationConfig configure(RotationConfig config, SecretReadAccess caller) {
    Names.namespace(config.namespace());
    secrets.get(config.namespace(), config.secret());
    SecretRotator rotator = rotator(config.rotator());
    rotator.validate(config.params());
    config.validateNew();
    if (config.period() != null && config.period().compareTo(minimumPeriod) < 0) {
      throw RekeyException.invalid("field 'period' must be at least the server's minimum_rotation_period "
          + minimumPeriod + ", got " + config.period());
    }
    namedSecrets(rotator, config).forEach((param, name) -> {
      if (!caller.mayRead(config.namespace(), name)) {
        throw RekeyException.forbidden("rotation parameter '" + param + "' names secret '" + name + "', whose value"
            + " the rotation uses: configuring it needs secret.read on " + config.namespace() + "/" + name);
      }
    });
    if (rotator.sendsValueToParams() && !caller.mayRead(config.namespace(), config.secret())) {
      throw RekeyException.forbidden("rotator '" + rotator.type() + "' sends the new value of secret '"
          + config.secret() + "' to the system its parameters name: configuring it needs secret.read on "
          + config.namespace() + "/" + config.secret());
    }
    Instant now = clock.instant();
    RotationConfig stored = config.withNextDueAt(earliest(config.period() == null ? null : now.plus(config.period()),
        expiryDue(config, namespace(config))));
    rotations.putConfig(stored);
    return stored;
  }

  private Instant expiryDue(RotationConfig config, Secret secret) {
    Instant expires = secret.current().expiresAt();
    return config.beforeExpiry() == null || expires == null ? null : expires.minus(config.beforeExpiry());
  }

  private Secret namespace(RotationConfig config) {
    return secrets.get(config.namespace(), config.secret());
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /**
   * After a new CURRENT was written outside a rotation: moves the next start earlier when the new
   * version expires before it (rotation before expiry). Does nothing for secrets without a configuration.
   */
  public void reschedule(String namespace, String secret) {
    rotations.config(namespace, secret).ifPresent(c -> moveEarlier(c, secrets.get(namespace, secret)));
  }

  /**
   * The same, from the secret as it was just written (in the caller's transaction): a CURRENT
   * without an expiry moves nothing, so most puts skip the configuration lookup.
   */
  public void reschedule(Secret written) {
    if (written.current().expiresAt() == null) {
      return;
    }
    rotations.config(written.namespace(), written.name()).ifPresent(c -> moveEarlier(c, written));
  }

  private void moveEarlier(RotationConfig c, Secret secret) {
    Instant next = earliest(c.nextDueAt(), expiryDue(c, secret));
    if (!java.util.Objects.equals(next, c.nextDueAt())) {
      rotations.rescheduleConfig(c.namespace(), c.secret(), next);
    }
  }

  /** After a rotation finished: the next start is a period from now, or earlier when the new value expires. */
  private void scheduleAfterFinish(SecretRotation r) {
    rotations.config(r.namespace(), r.secret()).ifPresent(c -> rotations.rescheduleConfig(c.namespace(), c.secret(),
        earliest(c.period() == null ? null : clock.instant().plus(c.period()),
            expiryDue(c, secrets.get(r.namespace(), r.secret())))));
  }

  public RotationConfig config(String namespace, String secret) {
    return rotations.config(namespace, secret).orElseThrow(() -> RekeyException.notFound("secret '" + secret
        + "' has no rotation configuration; set one with PUT /v1/secrets/" + secret + "/rotation"));
  }

  /**
   * Removes the rotation configuration. Refused (ILLEGAL_STATE) while a rotation of the secret is
   * running: its remaining steps need the configuration, and a PENDING version would be left behind.
   */
  public void removeConfig(String namespace, String secret) {
    // one transaction: a rotation starting meanwhile on another node either is seen here or finds no config
    transactions.inTransaction(() -> {
      Optional<SecretRotation> running = rotations.running(namespace, secret);
      if (running.isPresent()) {
        throw RekeyException.illegalState("a rotation of secret '" + secret + "' is running (step "
            + running.get().step().name().toLowerCase(java.util.Locale.ROOT) + "); remove the configuration once"
            + " it has finished or been abandoned (GET /v1/secrets/" + secret + "/rotation shows it)");
      }
      if (!rotations.deleteConfig(namespace, secret)) {
        throw RekeyException.notFound("secret '" + secret + "' has no rotation configuration");
      }
      return null;
    });
  }

  /**
   * Starts a rotation now, or returns the one already running for the secret (idempotent). The
   * steps run in the background; {@link #runDue} drives them.
   */
  public SecretRotation rotate(String namespace, String secret, String trigger) {
    RotationConfig config = config(namespace, secret);
    Optional<SecretRotation> running = rotations.running(namespace, secret);
    if (running.isPresent()) {
      return running.get();
    }
    SecretRotation started = SecretRotation.start(UUID.randomUUID().toString(), namespace, secret, config.rotator(),
        trigger, clock.instant());
    try {
      rotations.insert(started);
      return started;
    } catch (RekeyException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS) {
        return rotations.running(namespace, secret).orElseThrow(() -> e);
      }
      throw e;
    }
  }

  public SecretRotation rotation(String id) {
    return rotations.find(id).orElseThrow(() -> RekeyException.notFound("no secret rotation '" + id + "'"));
  }

  public List<SecretRotation> history(String namespace, String secret, int limit) {
    return rotations.history(namespace, secret, limit);
  }

  /**
   * One tick: starts rotations that are due on schedule or near expiry, then runs the steps of
   * due rotations this node can lease. Returns the number of steps run.
   */
  public int runDue(int limit) {
    Instant now = clock.instant();
    for (RotationConfig due : rotations.dueConfigs(now, limit)) {
      java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
      try {
        transactions.inTransaction(() -> {
          // Moving the due time claims this scheduled start: another node that read the same due
          // configuration (and may even have finished its rotation by now) has moved it already, and
          // then this one starts nothing. Until the rotation finishes (which reschedules from the new
          // value), only the period counts. The start commits with the claim, or neither does.
          if (!rotations.claimConfig(due.namespace(), due.secret(), due.nextDueAt(),
              due.period() == null ? null : now.plus(due.period()))) {
            return null;
          }
          claimed.set(true);
          Instant expiryDue = expiryDue(due, secrets.get(due.namespace(), due.secret()));
          boolean nearExpiry = expiryDue != null && !expiryDue.isAfter(now);
          rotate(due.namespace(), due.secret(), nearExpiry ? "near-expiry" : "schedule");
          return null;
        });
      } catch (RekeyException e) {
        // One configuration that cannot start (its secret gone, say) must not hold back the others;
        // it is tried again after the longest retry delay rather than on every tick.
        LOG.warn("secret rotation of '{}' in namespace '{}' could not start: {}", due.secret(), due.namespace(),
            e.getMessage());
        if (claimed.get()) {
          rotations.rescheduleConfig(due.namespace(), due.secret(), now.plus(MAX_RETRY));
        }
      }
    }
    int steps = 0;
    for (SecretRotation r : rotations.claimDue(now, node, now.plus(LEASE), limit)) {
      steps += drive(r);
    }
    return steps;
  }

  /** Runs a leased rotation's steps until it finishes, fails or loses its lease. */
  private int drive(SecretRotation leased) {
    SecretRotation r = leased;
    int steps = 0;
    try {
      while (r.status() == RotationStatus.RUNNING && !r.nextAttemptAt().isAfter(clock.instant())) {
        SecretRotation next = runStep(r);
        if (next == null) {
          return steps;
        }
        // the step's change (a new PENDING version, CURRENT moved) is committed: serve it here at once
        secrets.reloadCache(r.namespace(), r.secret());
        steps++;
        if (next.failures() > r.failures() || next.status() != RotationStatus.RUNNING) {
          r = next;
          break;
        }
        r = next;
      }
      return steps;
    } catch (LeaseLost lost) {
      return steps;
    } finally {
      rotations.release(r.id(), node);
    }
  }

  /** Runs one step; returns the stored new state, or null when the lease was lost. */
  private SecretRotation runStep(SecretRotation r) {
    try {
      // Inside the try: a rotator or configuration that is gone fails the step (retried, then
      // abandoned) instead of aborting the whole tick on every run.
      SecretRotator rotator = rotator(r.rotator());
      RotationConfig config = config(r.namespace(), r.secret());
      return switch (r.step()) {
        case CREATE -> create(r, rotator, config);
        case SET, TEST -> {
          byte[] pending = secrets.read(r.namespace(), r.secret(), null, requirePending(r)).value();
          try {
            SecretRotator.Input in = input(r, rotator, config);
            if (r.step() == RotationStep.SET) {
              rotator.set(in, pending);
            } else {
              rotator.test(in, pending);
            }
          } finally {
            Arrays.fill(pending, (byte) 0);
          }
          yield store(r.advanced(null, clock.instant()), List.of());
        }
        case FINISH -> transactions.inTransaction(() -> {
          secrets.promote(r.namespace(), r.secret(), requirePending(r));
          scheduleAfterFinish(r);
          return store(r.advanced(null, clock.instant()), List.of());
        });
      };
    } catch (LeaseLost lost) {
      return null;
    } catch (RuntimeException e) {
      return fail(r, e);
    }
  }

  private SecretRotation create(SecretRotation r, SecretRotator rotator, RotationConfig config) {
    byte[] value = rotator.create(input(r, rotator, config));
    try {
      return transactions.inTransaction(() -> {
        Secret written = secrets.put(r.namespace(), r.secret(), value,
            new SecretService.PutOptions(null, null, expiryOf(config, r.namespace()), true, null));
        return store(r.advanced(written.latestVersion(), clock.instant()), List.of());
      });
    } finally {
      Arrays.fill(value, (byte) 0);
    }
  }

  /** New versions inherit a lifetime from the parameter {@code ttl} when the guardrail asks for one. */
  private Duration expiryOf(RotationConfig config, String namespace) {
    Duration ttl = RotationConfig.storedTtl(config.params());
    if (ttl != null) {
      return ttl;
    }
    var g = secrets.guardrail(namespace);
    return g.maxLifetime() != null ? g.maxLifetime() : null;
  }

  private SecretRotation fail(SecretRotation r, RuntimeException e) {
    String reason = reason(e);
    Instant now = clock.instant();
    int failures = r.failures() + 1;
    Instant retryAt = failures >= MAX_FAILURES ? null : now.plus(retryDelay(failures));
    SecretRotation failed = r.failed(reason, retryAt, now);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("secret", r.secret());
    data.put("rotation", r.id());
    data.put("rotator", r.rotator());
    data.put("step", r.step().name());
    data.put("reason", reason);
    data.put("failures", failures);
    data.put("abandoned", retryAt == null);
    Event event = Event.of(EventType.ROTATION_FAILED, now, r.namespace(), "secrets/" + r.secret(), Map.of(), data);
    return transactions.inTransaction(() -> {
      if (retryAt == null && r.pendingVersion() != null) {
        disablePending(r);
      }
      return store(failed, List.of(event));
    });
  }

  private void disablePending(SecretRotation r) {
    Secret s = secrets.get(r.namespace(), r.secret());
    if (s.requireVersion(r.pendingVersion()).state() == dev.rekey.core.key.VersionState.PENDING) {
      // Cleanup of a failed rotation's own PENDING version: never blocked by consumers (forced).
      secrets.changeVersion(r.namespace(), r.secret(), r.pendingVersion(), VersionAction.DISABLE, null, true);
    }
  }

  private SecretRotation store(SecretRotation next, List<Event> events) {
    SecretRotation stored = transactions.inTransaction(() -> {
      if (!rotations.update(next, node)) {
        throw new LeaseLost();
      }
      outbox.append(events);
      return next;
    });
    return stored;
  }

  /** Thrown when another node took the rotation over: this node stops, the other continues. */
  private static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("lease lost", null, false, false);
    }
  }

  static Duration retryDelay(int failures) {
    long seconds = FIRST_RETRY.getSeconds() << Math.min(failures - 1, 20);
    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY.getSeconds()));
  }

  private static String reason(RuntimeException e) {
    String m = e.getMessage();
    String reason = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    return reason.length() > 300 ? reason.substring(0, 300) : reason;
  }

  /** The secrets a configuration's parameters name, by parameter, as its rotator declares them. */
  private static Map<String, String> namedSecrets(SecretRotator rotator, RotationConfig config) {
    Map<String, String> named = new TreeMap<>();
    for (String param : rotator.secretParams()) {
      String name = config.params().get(param);
      if (name != null) {
        named.put(param, name);
      }
    }
    return named;
  }

  private SecretRotator.Input input(SecretRotation r, SecretRotator rotator, RotationConfig config) {
    byte[] current = secrets.read(r.namespace(), r.secret(), "CURRENT", null).value();
    // Only the secrets the configuration names in declared parameters: those configure() authorized.
    java.util.Collection<String> allowed = namedSecrets(rotator, config).values();
    Function<String, byte[]> other = name -> {
      if (!allowed.contains(name)) {
        throw new IllegalStateException("rotator '" + rotator.type() + "' asked for secret '" + name
            + "', which no parameter it declares names");
      }
      return secrets.read(r.namespace(), name, "CURRENT", null).value();
    };
    return new SecretRotator.Input(r.id(), r.namespace(), r.secret(), config.params(), current, r.pendingVersion(),
        other);
  }

  private static int requirePending(SecretRotation r) {
    if (r.pendingVersion() == null) {
      throw new IllegalStateException("rotation " + r.id() + " has no pending version at step " + r.step());
    }
    return r.pendingVersion();
  }

  private SecretRotator rotator(String type) {
    SecretRotator r = rotators.get(type);
    if (r == null) {
      throw RekeyException.invalid("unknown rotator '" + type + "'; known: " + String.join(", ", rotators.keySet()));
    }
    return r;
  }
}
