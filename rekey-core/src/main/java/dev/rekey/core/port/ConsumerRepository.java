package dev.rekey.core.port;

import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consumers, their bindings to keys and secrets ({@link dev.rekey.core.consumer.BindingSubject}), the
 * history of rotation updates and propagation policies.
 * Writes join the caller's {@link Transactions} transaction. Deadlines and due hook calls are found
 * through indexes: the cost grows with what is due, not with the number of bindings.
 */
public interface ConsumerRepository {
  /** Throws ALREADY_EXISTS when the name is taken in the namespace. */
  void insert(Consumer consumer);

  Optional<Consumer> find(String namespace, String name);

  List<Consumer> list(String namespace, String afterName, int limit);

  /**
   * Replaces the details of the stored consumer (kind, tags, owner, principal, updated time), never
   * its hook: a root key rotation may have re-wrapped the stored hook secret since {@code consumer}
   * was read, and writing that copy back would undo it. Only {@link #storeHook} and
   * {@link #replaceHookSecret} change the hook. Throws NOT_FOUND when there is none.
   */
  void update(Consumer consumer);

  /**
   * Stores a new hook URL and its new wrapped signing secret, or no hook (both null), and the
   * updated time. Store a secret in a transaction that checked its root generation
   * ({@code LiveRootGenerations}). Throws NOT_FOUND when there is no such consumer.
   */
  void storeHook(String namespace, String name, String hookUrl, WrappedKey hookSecret, Instant updatedAt);

  /** Deletes the consumer with its bindings and selectors; returns whether it existed. */
  boolean delete(String namespace, String name);

  /** Consumers linked to the principal name {@code principal} in the namespace. */
  List<Consumer> byPrincipal(String namespace, String principal);

  /** Consumers whose hook secret a root key generation other than {@code currentRootKeyId} wraps. */
  List<Consumer> hookSecretsWrappedByOtherRoot(String currentRootKeyId, int limit);

  /** Replaces the wrapped hook secret only if it is still {@code expected} (compare-and-set). */
  boolean replaceHookSecret(String namespace, String name, WrappedKey expected, WrappedKey next);

  /** Adds or replaces the selector with the same tags. */
  void putSelector(String namespace, Selector selector);

  boolean deleteSelector(String namespace, String consumer, Map<String, String> tags);

  /** Every selector of the namespace (few per consumer: matched in memory against a key's tags). */
  List<Selector> selectors(String namespace);

  /** The consumer's binding to {@code subject}, a key or a secret. */
  Optional<Binding> findBinding(String namespace, String consumer, BindingSubject subject);

  /** The consumer's binding to the key {@code key} (a KEY subject). */
  default Optional<Binding> findBinding(String namespace, String consumer, String key) {
    return findBinding(namespace, consumer, BindingSubject.key(key));
  }

  /**
   * As {@link #findBinding(String, String, BindingSubject)}, and inside a transaction the binding
   * stays locked until it ends: read it this way to change it with {@link #saveBinding}, which
   * writes every column, so that a rotation another node propagates to it meanwhile waits instead
   * of being overwritten.
   */
  default Optional<Binding> lockBinding(String namespace, String consumer, BindingSubject subject) {
    return findBinding(namespace, consumer, subject);
  }

  /** Inserts the binding unless one exists for the same consumer and subject; returns whether it did. */
  boolean insertBinding(Binding binding);

  /**
   * Replaces the stored binding (same namespace, consumer and subject). Every column is written:
   * read the binding with {@link #lockBinding} in the same transaction.
   */
  void saveBinding(Binding binding);

  boolean deleteBinding(String namespace, String consumer, BindingSubject subject);

  default boolean deleteBinding(String namespace, String consumer, String key) {
    return deleteBinding(namespace, consumer, BindingSubject.key(key));
  }

  /** Every binding of the consumer, to keys and to secrets. */
  List<Binding> bindingsOf(String namespace, String consumer);

  /** Bindings of a key or secret, ordered by consumer, after {@code afterConsumer} (null for the first page). */
  List<Binding> bindingsOfSubject(String namespace, BindingSubject subject, String afterConsumer, int limit);

  /** Is any consumer bound to the key or secret? (Most are not: their rotations move nobody.) */
  default boolean hasBindings(String namespace, BindingSubject subject) {
    return !bindingsOfSubject(namespace, subject, null, 1).isEmpty();
  }

  /**
   * Which of {@code subjects} (keys or secrets of {@code namespace}) some consumer is bound to: a
   * batch of rotations asks once instead of once each ({@link #hasBindings}).
   */
  default java.util.Set<BindingSubject> bound(String namespace, java.util.Collection<BindingSubject> subjects) {
    java.util.Set<BindingSubject> out = new java.util.HashSet<>();
    for (BindingSubject s : subjects) {
      if (hasBindings(namespace, s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Bindings of a key, ordered by consumer, after {@code afterConsumer} (null for the first page). */
  default List<Binding> bindingsOfKey(String namespace, String key, String afterConsumer, int limit) {
    return bindingsOfSubject(namespace, BindingSubject.key(key), afterConsumer, limit);
  }

  /** Bindings in {@code state} in the namespace (null for all), oldest deadline first. */
  List<Binding> bindingsInState(String namespace, BindingState state, int limit);

  /**
   * A rotation of {@code subject} (a key's new primary, a secret's new CURRENT) to {@code version}:
   * every binding of the subject on an older version becomes PENDING_UPDATE with {@code deadline}
   * (with a hook call due at once when its consumer has a hook), and gets a {@link RotationUpdate}
   * row. Set-based; returns how many bindings it moved.
   */
  int startRotation(String namespace, BindingSubject subject, int version, Instant now, Instant deadline);

  default int startRotation(String namespace, String key, int version, Instant now, Instant deadline) {
    return startRotation(namespace, BindingSubject.key(key), version, now, deadline);
  }

  /** PENDING_UPDATE bindings whose deadline is at or before {@code now}, oldest first (index-driven). */
  List<Binding> dueDeadlines(Instant now, int limit);

  /** Marks the binding STALE if it is still PENDING_UPDATE with the same target; returns whether it did. */
  boolean markStale(Binding binding, Instant now);

  /**
   * Claims bindings whose hook call is due, leasing each until {@code leaseUntil} so no other node
   * calls it meanwhile; returns the claimed ones.
   */
  List<Binding> claimHooks(Instant now, Instant leaseUntil, int limit);

  /** Stores the outcome of one hook call, unless the binding moved on to another target meanwhile. */
  void hookResult(Binding binding, Binding.HookState state, int attempts, Instant nextAt, String error, Instant now);

  /** Marks the open rotation updates of a consumer on a key or secret up to {@code version} as confirmed. */
  void confirmUpdates(String namespace, BindingSubject subject, String consumer, int version, Instant at);

  default void confirmUpdates(String namespace, String key, String consumer, int version, Instant at) {
    confirmUpdates(namespace, BindingSubject.key(key), consumer, version, at);
  }

  /** Rotation updates of keys and secrets, newest rotation first, optionally of one subject (null: all). */
  List<RotationUpdate> updates(String namespace, BindingSubject subject, int limit);

  /** Rotation updates, newest rotation first, optionally of one key (null: of every key and secret). */
  default List<RotationUpdate> updates(String namespace, String key, int limit) {
    return updates(namespace, key == null ? null : BindingSubject.key(key), limit);
  }

  /** The policy of the key, or else the namespace default, or else none. */
  Optional<PropagationPolicy> policy(String namespace, String key);

  /** Sets the policy of a key, or the namespace default when {@code key} is null. */
  void putPolicy(String namespace, String key, PropagationPolicy policy);

  /**
   * Consumers whose binding uses {@code version} of the key or secret now, or left it at or after
   * {@code leftSince} (the quiet period).
   */
  List<String> consumersUsing(String namespace, BindingSubject subject, int version, Instant leftSince);

  default List<String> consumersUsing(String namespace, String key, int version, Instant leftSince) {
    return consumersUsing(namespace, BindingSubject.key(key), version, leftSince);
  }
}
