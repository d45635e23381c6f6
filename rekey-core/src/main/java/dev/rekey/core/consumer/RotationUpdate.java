package dev.rekey.core.consumer;

import java.time.Instant;

/**
 * One consumer's part in one rotation: the update to {@code version} of {@code key} was requested
 * at {@code requestedAt} with {@code deadline}; {@code confirmedAt} is when the consumer was known
 * to be on it (null: never), {@code staleAt} when it went past the deadline (null: it did not).
 * {@code key} names the rotated subject, a key or (with {@code subjectKind} SECRET) a secret.
 */
public record RotationUpdate(String namespace, String key, int version, String consumer, Instant requestedAt,
    Instant deadline, Instant confirmedAt, Instant staleAt, BindingSubject.Kind subjectKind) {

  public BindingSubject subject() {
    return new BindingSubject(subjectKind, key);
  }
}
