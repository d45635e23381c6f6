package dev.rekey.core.service;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
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
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs the steps of secret rotations for {@link SecretRotationService}: leases the due rotations
 * one at a time, and runs each one's CREATE, SET, TEST and FINISH, each step stored with the
 * rotation's state in one transaction while this node still holds the lease. Before each step the
 * lease is renewed for longer than the step may take ({@link #stepLease}); when this node no longer
 * holds it (another node took the rotation over after it expired), this node stops working on it.
 * A failing step is recorded with its reason and retried with backoff, and the rotation is
 * abandoned (its PENDING version disabled) after {@link SecretRotationService#MAX_FAILURES}.
 */
final class SecretRotationSteps {
  /** The lease a claim takes, and the shortest one a step renews it for. */
  static final Duration LEASE = Duration.ofMinutes(2);
  /**
   * How long one tick keeps claiming rotations: the ones after wait for the next tick (or another
   * node), so that slow rotations do not hold back the tick's expiry notices, or a shutdown.
   */
  static final Duration TICK_BUDGET = Duration.ofMinutes(1);
  /** Added to a rotator's {@link SecretRotator#maxStepDuration}: reading the secrets, storing the step. */
  static final Duration STEP_MARGIN = Duration.ofMinutes(1);

  private final SecretService secrets;
  private final SecretRotationRepository rotations;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Clock clock;
  private final String node;
  private final SecretRotators rotators;
  private final SecretRotationSchedule schedule;

  SecretRotationSteps(SecretService secrets, SecretRotationRepository rotations, Transactions transactions,
      EventOutbox outbox, Clock clock, String node, SecretRotators rotators, SecretRotationSchedule schedule) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.transactions = transactions;
    this.outbox = outbox;
    this.clock = clock;
    this.node = node;
    this.rotators = rotators;
    this.schedule = schedule;
  }

  /**
   * Runs the steps of up to {@code limit} due rotations that this node can lease, from {@code now}.
   * Each is claimed only when the one before it is done: a rotation claimed with others would wait
   * for them under a lease that does not count the wait, and could run out before its turn. No
   * further one is claimed once {@code stop} says so or {@link #TICK_BUDGET} has passed.
   */
  int runDue(Instant now, int limit, BooleanSupplier stop) {
    int steps = 0;
    Instant at = now;
    Instant budgetEnds = now.plus(TICK_BUDGET);
    for (int i = 0; i < limit && !stop.getAsBoolean() && at.isBefore(budgetEnds); i++) {
      List<SecretRotation> claimed = rotations.claimDue(at, node, at.plus(LEASE), 1);
      if (claimed.isEmpty()) {
        break;
      }
      steps += drive(claimed.get(0));
      Instant later = clock.instant();
      at = later.isAfter(at) ? later : at;
    }
    return steps;
  }

  /**
   * How long a step of {@code rotator} with {@code config}'s parameters leases the rotation: the
   * longest the step may take plus {@link #STEP_MARGIN}, and at least {@link #LEASE}.
   */
  static Duration stepLease(SecretRotator rotator, RotationConfig config) {
    Duration step = rotator.maxStepDuration(config.params()).plus(STEP_MARGIN);
    return step.compareTo(LEASE) > 0 ? step : LEASE;
  }

  /** Extends this node's lease on {@code r} for one step; LeaseLost when this node no longer holds it. */
  private void renew(SecretRotation r, Duration lease) {
    Instant now = clock.instant();
    if (!rotations.renew(r.id(), node, now, now.plus(lease))) {
      throw new LeaseLost();
    }
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
      SecretRotator rotator = rotators.get(r.rotator());
      RotationConfig config = schedule.config(r.namespace(), r.secret());
      // before anything is read or called: the step must not outlive the lease (claim or last renewal)
      renew(r, stepLease(rotator, config));
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
          schedule.afterFinish(r);
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
    Instant retryAt = failures >= SecretRotationService.MAX_FAILURES ? null
        : now.plus(SecretRotationService.retryDelay(failures));
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

  private static String reason(RuntimeException e) {
    String m = e.getMessage();
    String reason = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    return reason.length() > 300 ? reason.substring(0, 300) : reason;
  }

  private SecretRotator.Input input(SecretRotation r, SecretRotator rotator, RotationConfig config) {
    byte[] current = secrets.read(r.namespace(), r.secret(), "CURRENT", null).value();
    // Only the secrets the configuration names in declared parameters: those configure() authorized.
    java.util.Collection<String> allowed = SecretRotators.namedSecrets(rotator, config).values();
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
}
