package dev.rekey.core.consumer;

import java.time.Instant;
import java.util.Objects;

/**
 * A consumer's use of one key or secret (its {@link BindingSubject}). {@code version} is the version
 * it uses (0 while unknown) since {@code since}; {@code previousVersion} the one it used before (0 if
 * none), which a quiet period still protects from retirement. {@code targetVersion} is the subject's
 * primary (a secret's CURRENT) when the last
 * rotation reached this binding; {@code deadline} is set while PENDING_UPDATE or STALE.
 */
public record Binding(String namespace, String consumer, BindingSubject subject, BindingOrigin origin, BindingMode mode,
    int version, Instant since, int previousVersion, int targetVersion, BindingState state, Instant deadline,
    Instant lastSeenAt, HookState hookState, int hookAttempts, String hookError, Instant updatedAt) {

  /** The delivery state of the update request to the consumer's hook for the current target. */
  public enum HookState { NONE, PENDING, DELIVERED, DEAD }

  public Binding {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(hookState, "hookState");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The subject's name; the key's name for the key bindings that today's propagation handles. */
  public String key() {
    return subject.name();
  }

  /** A new binding to a key: CURRENT until a rotation reaches it. */
  public static Binding create(String namespace, String consumer, String key, BindingOrigin origin, BindingMode mode,
      int version, Instant now) {
    return create(namespace, consumer, BindingSubject.key(key), origin, mode, version, now);
  }

  /** A new binding to a key or secret: CURRENT until a rotation reaches it. */
  public static Binding create(String namespace, String consumer, BindingSubject subject, BindingOrigin origin,
      BindingMode mode, int version, Instant now) {
    return new Binding(namespace, consumer, subject, origin, mode, version, version > 0 ? now : null, 0, version,
        BindingState.CURRENT, null, null, HookState.NONE, 0, null, now);
  }
}
