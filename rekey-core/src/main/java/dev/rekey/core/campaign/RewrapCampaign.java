package dev.rekey.core.campaign;

import java.time.Instant;
import java.util.Objects;

/**
 * A re-wrap campaign: moves every stored DEK of KEK {@code namespace/kek} that is wrapped by
 * {@code fromVersion} to {@code toVersion}, in keyset-paged batches. {@code checkpoint} is the
 * highest DEK row id re-wrapped so far (persisted with each batch); {@code rollbackCheckpoint}
 * the same while cancelling. {@code done} counts rows re-wrapped forward, {@code rolledBack} rows
 * re-wrapped back. {@code activeNanos} is the time spent running (batches and their throttle delay),
 * which gives the rate. An immutable value: every change returns a new one.
 *
 * @param origin who started it: {@code api} or {@code planner}
 * @param leaseOwner the node running it now (null when none); {@code leaseUntil} when its claim lapses
 */
public record RewrapCampaign(long id, String namespace, String kek, int fromVersion, int toVersion,
    CampaignState state, String origin, long total, long done, long rolledBack, long checkpoint,
    long rollbackCheckpoint, int batchSize, long delayMillis, long activeNanos, Instant createdAt,
    Instant updatedAt, Instant finishedAt, String leaseOwner, Instant leaseUntil, String message) {

  public static final int DEFAULT_BATCH_SIZE = 1000;
  public static final int MAX_BATCH_SIZE = 100_000;
  public static final long MAX_DELAY_MILLIS = 3_600_000;

  public RewrapCampaign {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kek, "kek");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (fromVersion < 1 || toVersion < 1 || fromVersion == toVersion) {
      throw new IllegalArgumentException("a campaign moves DEKs between two different versions");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE || delayMillis < 0 || delayMillis > MAX_DELAY_MILLIS) {
      throw new IllegalArgumentException("batch size or delay out of range");
    }
  }

  /** A new RUNNING campaign (not yet stored: id 0). */
  public static RewrapCampaign start(String namespace, String kek, int from, int to, String origin, long total,
      int batchSize, long delayMillis, Instant now) {
    return new RewrapCampaign(0, namespace, kek, from, to, CampaignState.RUNNING, origin, total, 0, 0, 0, 0,
        batchSize, delayMillis, 0, now, now, null, null, null, null);
  }

  /** DEKs still to re-wrap forward (or, while cancelling, still to roll back). */
  public long remaining() {
    if (state == CampaignState.CANCELLING) {
      return Math.max(0, done - rolledBack);
    }
    return state == CampaignState.COMPLETED ? 0 : Math.max(0, total - done);
  }

  /** DEKs per second while running (forward and back), 0 before the first batch. */
  public double rate() {
    return activeNanos <= 0 ? 0 : (done + rolledBack) * 1e9 / activeNanos;
  }

  /** This campaign in {@code target}; checks the transition table. Leaving a runnable state ends the lease. */
  public RewrapCampaign moveTo(CampaignState target, Instant now, String why) {
    state.requireMoveTo(target);
    boolean keepLease = target.runnable() && state.runnable();
    return new RewrapCampaign(id, namespace, kek, fromVersion, toVersion, target, origin, total, done, rolledBack,
        checkpoint, rollbackCheckpoint, batchSize, delayMillis, activeNanos, createdAt, now,
        target.isFinal() ? now : null, keepLease ? leaseOwner : null, keepLease ? leaseUntil : null,
        why == null ? message : why);
  }

  /** After a forward batch that re-wrapped {@code count} rows up to row id {@code lastId}. */
  public RewrapCampaign afterForwardBatch(long lastId, int count, long elapsedNanos, Instant now) {
    long newDone = done + count;
    return new RewrapCampaign(id, namespace, kek, fromVersion, toVersion, state, origin, Math.max(total, newDone),
        newDone, rolledBack, Math.max(checkpoint, lastId), rollbackCheckpoint, batchSize, delayMillis,
        activeNanos + elapsedNanos, createdAt, now, finishedAt, leaseOwner, leaseUntil, message);
  }

  /** After a rollback batch that re-wrapped {@code count} rows back, up to row id {@code lastId}. */
  public RewrapCampaign afterRollbackBatch(long lastId, int count, long elapsedNanos, Instant now) {
    return new RewrapCampaign(id, namespace, kek, fromVersion, toVersion, state, origin, total, done,
        rolledBack + count, checkpoint, Math.max(rollbackCheckpoint, lastId), batchSize, delayMillis,
        activeNanos + elapsedNanos, createdAt, now, finishedAt, leaseOwner, leaseUntil, message);
  }

  /**
   * Starts another pass from the first row: DEKs wrapped by the old version turned up behind the
   * checkpoint (written by a node whose cache had not yet seen the rotation).
   */
  public RewrapCampaign restartPass(long stragglers) {
    return new RewrapCampaign(id, namespace, kek, fromVersion, toVersion, state, origin, done + stragglers, done,
        rolledBack, 0, rollbackCheckpoint, batchSize, delayMillis, activeNanos, createdAt, updatedAt, finishedAt,
        leaseOwner, leaseUntil, message);
  }

  public RewrapCampaign withThrottle(int newBatchSize, long newDelayMillis, Instant now) {
    return new RewrapCampaign(id, namespace, kek, fromVersion, toVersion, state, origin, total, done, rolledBack,
        checkpoint, rollbackCheckpoint, newBatchSize, newDelayMillis, activeNanos, createdAt, now, finishedAt,
        leaseOwner, leaseUntil, message);
  }
}
