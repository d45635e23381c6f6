package dev.rekey.core.port;

import dev.rekey.core.webhook.Webhook;
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

  /** Replaces the stored subscription with the same id; throws NOT_FOUND when there is none. */
  void update(Webhook webhook);

  /** Subscriptions whose secret a root key generation other than {@code currentRootKeyId} wraps. */
  List<Webhook> wrappedByOtherRoot(String currentRootKeyId, int limit);

  /** Replaces the wrapped secret only if it is still {@code expected} (compare-and-set). */
  boolean replaceSecret(String id, dev.rekey.core.key.WrappedKey expected, dev.rekey.core.key.WrappedKey next);

  /** Deletes the subscription and its deliveries; returns whether it existed. */
  boolean delete(String id);
}
