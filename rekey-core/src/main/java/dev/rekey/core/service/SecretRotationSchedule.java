package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotation;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When secrets rotate on their own, for {@link SecretRotationService}: each stored configuration
 * folds its period and the lead time before CURRENT expires into one indexed next-due time, which
 * moves when a new CURRENT is written or a rotation finishes. Each tick claims the configurations
 * that are due and starts their rotations; a claim is taken by exactly one node.
 */
final class SecretRotationSchedule {
  // the service's logger: operators filter on that name
  private static final Logger LOG = LoggerFactory.getLogger(SecretRotationService.class);

  /** Starts a rotation of {@code secret} ({@link SecretRotationService#rotate}). */
  @FunctionalInterface
  interface Start {
    void start(String namespace, String secret, String trigger);
  }

  private final SecretService secrets;
  private final SecretRotationRepository rotations;
  private final Transactions transactions;
  private final Clock clock;

  SecretRotationSchedule(SecretService secrets, SecretRotationRepository rotations, Transactions transactions,
      Clock clock) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** The stored configuration of {@code secret}; NOT_FOUND, saying how to set one, when there is none. */
  RotationConfig config(String namespace, String secret) {
    return rotations.config(namespace, secret).orElseThrow(() -> RekeyException.notFound("secret '" + secret
        + "' has no rotation configuration; set one with PUT /v1/secrets/" + secret + "/rotation"));
  }

  /** The first scheduled start of a new configuration: one period from {@code now}, or earlier when CURRENT expires. */
  Instant firstDue(RotationConfig config, Instant now) {
    return earliest(config.period() == null ? null : now.plus(config.period()),
        expiryDue(config, secrets.get(config.namespace(), config.secret())));
  }

  /** When CURRENT of {@code secret} is due a rotation before it expires (null: no such lead time). */
  private static Instant expiryDue(RotationConfig config, Secret secret) {
    Instant expires = secret.current().expiresAt();
    return config.beforeExpiry() == null || expires == null ? null : expires.minus(config.beforeExpiry());
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /** See {@link SecretRotationService#reschedule(String, String)}. */
  void reschedule(String namespace, String secret) {
    rotations.config(namespace, secret).ifPresent(c -> moveEarlier(c, secrets.get(namespace, secret)));
  }

  /** See {@link SecretRotationService#reschedule(Secret)}. */
  void reschedule(Secret written) {
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
  void afterFinish(SecretRotation r) {
    rotations.config(r.namespace(), r.secret()).ifPresent(c -> rotations.rescheduleConfig(c.namespace(), c.secret(),
        earliest(c.period() == null ? null : clock.instant().plus(c.period()),
            expiryDue(c, secrets.get(r.namespace(), r.secret())))));
  }

  /** Claims up to {@code limit} configurations due at {@code now} and starts their rotations. */
  void startDue(Instant now, int limit, Start start) {
    for (RotationConfig due : rotations.dueConfigs(now, limit)) {
      AtomicBoolean claimed = new AtomicBoolean();
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
          start.start(due.namespace(), due.secret(), nearExpiry ? "near-expiry" : "schedule");
          return null;
        });
      } catch (RekeyException e) {
        // One configuration that cannot start (its secret gone, say) must not hold back the others;
        // it is tried again after the longest retry delay rather than on every tick.
        LOG.warn("secret rotation of '{}' in namespace '{}' could not start: {}", due.secret(), due.namespace(),
            e.getMessage());
        if (claimed.get()) {
          rotations.rescheduleConfig(due.namespace(), due.secret(), now.plus(SecretRotationService.MAX_RETRY));
        }
      }
    }
  }
}
