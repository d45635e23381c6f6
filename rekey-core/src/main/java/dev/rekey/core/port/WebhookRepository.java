package dev.rekey.core.port;

import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.webhook.Webhook;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook subscriptions. Writes join the caller's {@link Transactions} transaction. */
public interface WebhookRepository {
  /** Throws ALREADY_EXISTS when the id is taken. */
  void insert(Webhook webhook);

  Optional<Webhook> find(String id);

  /** Subscriptions ordered by id, after {@code afterId} (null for the first page). */
  List<Webhook> list(String afterId, int limit);

  /** Every enabled subscription: the dispatcher matches each event against them. */
  List<Webhook> enabled();

  /**
   * Replaces the settings of the stored subscription with the same id (URL, filter, enabled,
   * updated time), never its secret: a root key rotation may have re-wrapped the stored one since
   * {@code webhook} was read, and writing that copy back would undo it. Only {@link #storeSecret}
   * and {@link #replaceSecret} change the secret. Throws NOT_FOUND when there is none.
   */
  void update(Webhook webhook);

  /**
   * Stores a new signing secret (a rotation by the API) and the updated time. Call it in a
   * transaction that checked the secret's root generation ({@code LiveRootGenerations}). Throws
   * NOT_FOUND when there is no such subscription.
   */
  void storeSecret(String id, WrappedKey secret, Instant updatedAt);

  /** Subscriptions whose secret a root key generation other than {@code currentRootKeyId} wraps. */
  List<Webhook> wrappedByOtherRoot(String currentRootKeyId, int limit);

  /** Replaces the wrapped secret only if it is still {@code expected} (compare-and-set). */
  boolean replaceSecret(String id, WrappedKey expected, WrappedKey next);

  /** Deletes the subscription and its deliveries; returns whether it existed. */
  boolean delete(String id);
}
