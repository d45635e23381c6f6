package dev.rekey.core.port;

import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import java.util.List;
import java.util.Optional;

/**
 * Storage of secrets, written whole (row and every version) under a revision check, like
 * {@link KeyRepository}; and each namespace's secret guardrail.
 */
public interface SecretRepository extends MaterialRepository<Secret> {
  /** Throws ALREADY_EXISTS when the namespace already has a secret of that name. */
  void insert(Secret secret);

  Optional<Secret> find(String namespace, String name);

  /** Secrets of a namespace ordered by name, after {@code afterName} (null for the first page). */
  List<Secret> list(String namespace, String afterName, int limit);

  /** Replaces the stored secret when its revision is still {@code expectedRevision}, else CONCURRENT_MODIFICATION. */
  void update(Secret updated, long expectedRevision);

  /**
   * {@link #update(Secret, long)} from the {@code current} state the caller read (its revision is
   * the expected one). A store may then write only the versions that differ from {@code current}:
   * a put changes two or three versions, whatever the length of the history.
   */
  default void update(Secret current, Secret updated) {
    update(updated, current.revision());
  }

  /** Secrets (any namespace) with a version not wrapped by {@code rootKeyId}: drives root key rotation. */
  List<Secret> findWrappedByOtherRoot(String rootKeyId, int limit);

  /** A version whose next expiry notice is due. */
  record NoticeDue(String namespace, String secret, int version, java.time.Instant expiresAt,
      java.time.Instant noticeAt) {}

  /**
   * Versions whose next expiry notice ({@link dev.rekey.core.secret.SecretExpiry}) is at or
   * before {@code now}, oldest first, at most {@code limit}; a new version's first notice is set
   * when it is stored.
   */
  List<NoticeDue> dueNotices(java.time.Instant now, int limit);

  /**
   * Moves a version's next notice from {@code expected} to {@code next} (null: none left) unless
   * another node already did; returns whether this call moved it. Joins the caller's transaction.
   */
  boolean advanceNotice(String namespace, String secret, int version, java.time.Instant expected,
      java.time.Instant next);

  Optional<SecretGuardrail> guardrail(String namespace);

  void putGuardrail(SecretGuardrail guardrail);
}
