package dev.rekey.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The scheduler's storage: one row per key with the next time anything is to be done for it
 * ({@code dueAt}, indexed, so a tick reads only what is due), leases that let exactly one node work
 * on a key at a time, the record of every scheduled run (its idempotency key is the key plus the
 * scheduled time) and the record of every expiry notice fired. Every method joins the caller's
 * transaction, so a run's record commits or rolls back with the rotation it describes.
 */
public interface ScheduleRepository {

  /** A key's schedule row. Null times mean "none". */
  record Entry(String namespace, String name, String keyType, Instant anchorAt, Instant nextRotationAt,
      Instant dueAt, int failures, String lastError, Instant lastRunAt) {}

  /** A scheduled run: {@code version} is the version it created; {@code completedAt} null while PENDING (published ahead). */
  record Run(String namespace, String name, Instant scheduledAt, int version, Instant startedAt, Instant completedAt) {}

  /**
   * Makes sure keys created since the last call have a schedule row, due at {@code now} (the
   * scheduler's clock); at most {@code limit} keys per call. Returns how many rows it added.
   */
  int discoverNewKeys(Instant now, int limit);

  /**
   * Leases up to {@code limit} rows due at or before {@code now} whose lease is free or expired to
   * {@code owner} until {@code leaseUntil}, and returns them (earliest due first). Two nodes never
   * receive the same row while its lease is valid.
   */
  List<Entry> claimDue(Instant now, String owner, Instant leaseUntil, int limit);

  /**
   * Stores the outcome of a successful pass over a key and releases the lease: new anchor, next
   * rotation and due times, failures reset, {@code lastRunAt} as given. If the row's due time was
   * changed while the lease was held (it is no longer {@code claimedDueAt}: a policy changed), the
   * earlier of that time and {@code dueAt} is kept, so the change is not lost. Returns false (and
   * changes nothing) when {@code owner} no longer holds the lease.
   */
  boolean complete(String namespace, String name, String owner, Instant claimedDueAt, Instant anchorAt,
      Instant nextRotationAt, Instant dueAt, Instant lastRunAt);

  /** Records a failed pass and releases the lease; due again at {@code retryAt}. False when the lease was lost. */
  boolean fail(String namespace, String name, String owner, int failures, String error, Instant retryAt);

  /** Makes every row in scope due at {@code at} (null namespace/type/key: no restriction). */
  int markDue(String namespace, String name, String keyType, Instant at);

  /** Records a run; returns false when a run with this idempotency key exists already. */
  boolean insertRun(Run run);

  Optional<Run> findRun(String namespace, String name, Instant scheduledAt);

  /** Marks a pending (published ahead) run complete. */
  void completeRun(String namespace, String name, Instant scheduledAt, Instant at);

  /** Records that a notice fired; returns false when it had fired already (then emit nothing). */
  boolean insertNotice(String namespace, String name, int version, String threshold, Instant at);

  /**
   * Up to {@code limit} rows with a next rotation at or before {@code before}, earliest first, among
   * those {@code visible} (namespace, key name) keeps: the rows it drops do not count toward the
   * limit, so a caller who may see a few keys sees them however many others come first.
   */
  List<Entry> rotationsBefore(Instant before, BiPredicate<String, String> visible, int limit);

  /** Up to {@code limit} visible rows with a next rotation in ({@code from}, {@code to}], earliest first. */
  List<Entry> rotationsBetween(Instant from, Instant to, BiPredicate<String, String> visible, int limit);

  /** Up to {@code limit} visible rows whose last attempt failed, most failures first. */
  List<Entry> failed(BiPredicate<String, String> visible, int limit);

  Optional<Entry> find(String namespace, String name);

  /** The earliest due time of any row, leased or not (how long a node may sleep). */
  Optional<Instant> earliestDue();
}
