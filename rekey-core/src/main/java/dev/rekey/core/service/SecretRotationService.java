package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Names;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.core.secret.rotation.SecretRotator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the secret rotation protocol: CREATE (the new value stored PENDING), SET, TEST, FINISH
 * (CURRENT moves), each step persisted with the rotation's state in one transaction, so a crash
 * anywhere resumes at the step that did not commit. A failing step leaves CURRENT as it is,
 * records the step and reason, emits {@code RotationFailed} and is retried with exponential
 * backoff; after {@link #MAX_FAILURES} the rotation is ABANDONED and its PENDING version disabled,
 * so nothing blocks the next rotation. Rotations start on demand, on schedule (a configuration's
 * period) and a lead time before CURRENT expires: both are folded into one indexed next-due time.
 * {@link SecretRotationSchedule} keeps that time and starts the due rotations;
 * {@link SecretRotationSteps} runs the steps; {@link SecretRotators} are the kinds of rotation.
 */
public final class SecretRotationService {
  public static final int MAX_FAILURES = 8;
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(30);

  private final SecretService secrets;
  private final SecretRotationRepository rotations;
  private final Transactions transactions;
  private final Clock clock;
  private final String node;
  private final Duration minimumPeriod;
  private final SecretRotators rotators;
  private final SecretRotationSchedule schedule;
  private final SecretRotationSteps steps;

  /**
   * @param minimumPeriod the shortest {@code period} a configuration may give (the server's
   *     {@code minimum_rotation_period}); each rotation adds a version and changes the target system
   */
  public SecretRotationService(SecretService secrets, SecretRotationRepository rotations, Transactions transactions,
      EventOutbox outbox, List<SecretRotator> rotators, Clock clock, String node, Duration minimumPeriod) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.transactions = transactions;
    this.clock = clock;
    this.node = node;
    this.minimumPeriod = minimumPeriod;
    this.rotators = new SecretRotators(rotators);
    this.schedule = new SecretRotationSchedule(secrets, rotations, transactions, clock);
    this.steps = new SecretRotationSteps(secrets, rotations, transactions, outbox, clock, node, this.rotators,
        schedule);
  }

  /**
   * Called when the node first runs unsealed, with the name {@code previousNode} of an earlier
   * process on the same data directory whose leases were not released yet: leases held under it
   * are left over from before a crash (that process is gone), so they are released and the
   * rotations resume at once. Returns how many.
   */
  public int recover(String previousNode) {
    return rotations.releaseAll(previousNode);
  }

  public List<String> rotatorTypes() {
    return rotators.types();
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
    SecretRotator rotator = rotators.get(config.rotator());
    rotator.validate(config.params());
    config.validateNew();
    if (config.period() != null && config.period().compareTo(minimumPeriod) < 0) {
      throw RekeyException.invalid("field 'period' must be at least the server's minimum_rotation_period "
          + minimumPeriod + ", got " + config.period());
    }
    SecretRotators.namedSecrets(rotator, config).forEach((param, name) -> {
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
    RotationConfig stored = config.withNextDueAt(schedule.firstDue(config, now));
    rotations.putConfig(stored);
    return stored;
  }

  /**
   * After a new CURRENT was written outside a rotation: moves the next start earlier when the new
   * version expires before it (rotation before expiry). Does nothing for secrets without a configuration.
   */
  public void reschedule(String namespace, String secret) {
    schedule.reschedule(namespace, secret);
  }

  /**
   * The same, from the secret as it was just written (in the caller's transaction): a CURRENT
   * without an expiry moves nothing, so most puts skip the configuration lookup.
   */
  public void reschedule(Secret written) {
    schedule.reschedule(written);
  }

  public RotationConfig config(String namespace, String secret) {
    return schedule.config(namespace, secret);
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
    return runDue(limit, () -> false);
  }

  /**
   * As {@link #runDue(int)}, claiming no further rotation once {@code stop} says so (a node shutting
   * down) or the tick has run for {@link SecretRotationSteps#TICK_BUDGET}: the rotation in hand
   * finishes its steps, the rest wait for the next tick (or another node).
   */
  public int runDue(int limit, java.util.function.BooleanSupplier stop) {
    Instant now = clock.instant();
    schedule.startDue(now, limit, this::rotate);
    return steps.runDue(now, limit, stop);
  }

  /** The wait before retrying a step that failed {@code failures} times: doubling from FIRST_RETRY, at most MAX_RETRY. */
  static Duration retryDelay(int failures) {
    long seconds = FIRST_RETRY.getSeconds() << Math.min(failures - 1, 20);
    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY.getSeconds()));
  }
}
