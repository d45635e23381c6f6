package dev.rekey.core.secret.rotation;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of the rotation protocol for one secret, as persisted after every step. {@code step} is
 * the next step to run; {@code pendingVersion} is set once CREATE stored the PENDING version.
 * {@code lastError} holds a short reason (never a value).
 */
public record SecretRotation(
    String id,
    String namespace,
    String secret,
    String rotator,
    String trigger,
    RotationStatus status,
    RotationStep step,
    Integer pendingVersion,
    int failures,
    Instant nextAttemptAt,
    String lastError,
    Instant startedAt,
    Instant updatedAt,
    Instant finishedAt) {

  public SecretRotation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  public static SecretRotation start(String id, String namespace, String secret, String rotator, String trigger,
      Instant now) {
    return new SecretRotation(id, namespace, secret, rotator, trigger, RotationStatus.RUNNING, RotationStep.CREATE,
        null, 0, now, null, now, now, null);
  }

  /** The step succeeded: on to the next one (at once), or SUCCEEDED after FINISH. */
  public SecretRotation advanced(Integer newPendingVersion, Instant now) {
    RotationStep next = step.next();
    Integer pending = newPendingVersion != null ? newPendingVersion : pendingVersion;
    if (next == null) {
      return new SecretRotation(id, namespace, secret, rotator, trigger, RotationStatus.SUCCEEDED, step, pending,
          failures, null, lastError, startedAt, now, now);
    }
    return new SecretRotation(id, namespace, secret, rotator, trigger, status, next, pending, 0, now, null,
        startedAt, now, null);
  }

  /** The step failed: retry at {@code retryAt}, or ABANDONED when {@code retryAt} is null. */
  public SecretRotation failed(String reason, Instant retryAt, Instant now) {
    RotationStatus s = retryAt == null ? RotationStatus.ABANDONED : status;
    return new SecretRotation(id, namespace, secret, rotator, trigger, s, step, pendingVersion, failures + 1, retryAt,
        reason, startedAt, now, retryAt == null ? now : null);
  }
}
