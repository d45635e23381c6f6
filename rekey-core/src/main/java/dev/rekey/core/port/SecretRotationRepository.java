package dev.rekey.core.port;

import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rotation configurations of secrets and the persisted runs of the rotation protocol. */
public interface SecretRotationRepository {
  void putConfig(RotationConfig config);

  Optional<RotationConfig> config(String namespace, String secret);

  boolean deleteConfig(String namespace, String secret);

  /**
   * Sets only the next due time of a stored configuration (null: not scheduled). False, and nothing
   * stored, when there is none: a configuration deleted meanwhile is not brought back, and one
   * replaced meanwhile keeps its new rotator and parameters.
   */
  boolean rescheduleConfig(String namespace, String secret, Instant nextDueAt);

  /** Configurations whose next due time has come, oldest first, at most {@code limit}. */
  List<RotationConfig> dueConfigs(Instant now, int limit);

  /**
   * Moves a configuration's next due time from {@code expectedDueAt} (as {@link #dueConfigs} read
   * it) to {@code nextDueAt}, unless another writer moved it since; returns whether this call did.
   * The scheduled start that a due time stands for belongs to the one node whose call moved it.
   * Joins the caller's transaction.
   */
  boolean claimConfig(String namespace, String secret, Instant expectedDueAt, Instant nextDueAt);

  /** Stores a new RUNNING rotation; ALREADY_EXISTS when the secret already has a running one. */
  void insert(SecretRotation rotation);

  Optional<SecretRotation> find(String id);

  Optional<SecretRotation> running(String namespace, String secret);

  /** Rotations of one secret, newest first. */
  List<SecretRotation> history(String namespace, String secret, int limit);

  /** RUNNING rotations of any secret, newest first (for status pages). */
  List<SecretRotation> runningOrFailed(int limit);

  /**
   * Leases up to {@code limit} RUNNING rotations whose next attempt is due and whose lease (if
   * any) has expired, to {@code owner} until {@code leaseUntil}; returns them. On PostgreSQL
   * several nodes call this at once and each rotation goes to one.
   */
  List<SecretRotation> claimDue(Instant now, String owner, Instant leaseUntil, int limit);

  /**
   * Extends {@code owner}'s lease on the rotation to {@code leaseUntil}, never shortening it (a
   * node whose clock was stepped back would hand the rotation to another mid-step); a node calls it
   * before each step, with a lease longer than the step may take. Returns false (and changes nothing) unless
   * {@code owner} holds the lease and it has not expired at {@code now}: a lease that ran out may
   * have been claimed by another node, or be claimed at any moment, so the caller stops working on
   * the rotation.
   */
  boolean renew(String id, String owner, Instant now, Instant leaseUntil);

  /**
   * Stores the rotation's new state while {@code owner} still holds its lease; returns false (and
   * writes nothing) when the lease was lost. Joins the caller's transaction.
   */
  boolean update(SecretRotation rotation, String owner);

  /**
   * Ends every lease {@code owner} holds; a node calls it when it starts, with the name of the
   * previous process on its data directory, whose leases can only be left over from before a
   * crash. Returns how many it released.
   */
  int releaseAll(String owner);

  /** Ends {@code owner}'s lease on the rotation (after a step sequence stopped). */
  void release(String id, String owner);
}
