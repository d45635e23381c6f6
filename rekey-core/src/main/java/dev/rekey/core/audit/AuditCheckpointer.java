package dev.rekey.core.audit;

import dev.rekey.core.port.AuditRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed checkpoints of an {@link AuditLog}, run by its writer thread between batches.
 *
 * <p>It signs the last record the writer wrote every {@code checkpointEveryRecords} records, when
 * {@code checkpointInterval} has passed with unsigned records (on the injected clock), and when
 * forced (at close). Records left unsigned by an earlier run (a crash) are covered by its first
 * checkpoint. A checkpoint that cannot be stored does not fail requests (their records are
 * durable); it is counted and retried at the next trigger. Without a signing key yet (a sealed
 * server) checkpoints wait, asking the key source once per trigger.
 *
 * <p>Before it signs, it checks that the trail still holds the last checkpoint it stored (the
 * checkpoint is stored as it was and the record at its seq still has its hash): otherwise whoever
 * can write the database could delete it, rewrite or truncate the chain after the checkpoints left
 * (or rewrite the chain under it first and delete it once the next one is signed), and have the
 * next checkpoint sign the result. A missing one is logged,
 * counted and kept in {@link #storedCheckpoints()}, which verify takes as anchors, so the trail
 * reads as broken for as long as this log runs.
 *
 * <p>Confined to the writer thread, except what other threads read: the counters,
 * {@link #storedCheckpoints()} and {@link #keyId()}.
 */
final class AuditCheckpointer {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class); // the writer's log, as before

  private final AuditRepository repository;
  private final Supplier<AuditSigningKey> signingKeySource;
  private volatile AuditSigningKey signingKey;
  private final AuditLogConfig config;
  private final Clock clock;

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong missing = new AtomicLong();
  private volatile AuditCheckpoint lastStored;
  /**
   * Every checkpoint of this log found no longer held, oldest first. All of them, not only the
   * first: that one could be put back as it was (its row is plain data) to make room for a later
   * rewrite. One entry per checkpoint step that found tampering, so it grows only under attack.
   */
  private final List<AuditCheckpoint> notHeld = new CopyOnWriteArrayList<>();
  private AuditCheckpoint lastNotHeld; // writer thread only

  // Writer-thread state.
  private ChainHead unsignedHead;
  private long unsignedRecords;
  private Instant lastCheckpointAt;

  /** @param signingKey the key when it is known already, else null: then {@code signingKeySource} is asked */
  AuditCheckpointer(AuditRepository repository, AuditSigningKey signingKey, Supplier<AuditSigningKey> signingKeySource,
      AuditLogConfig config, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.signingKey = signingKey;
    this.signingKeySource = Objects.requireNonNull(signingKeySource, "signingKeySource");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** At the writer's start: the interval starts now, and an unsigned tail of an earlier run is due at once. */
  void start() {
    lastCheckpointAt = clock.instant();
    try {
      ChainHead head = repository.head();
      List<AuditCheckpoint> checkpoints = repository.checkpoints();
      long signed = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1).seq();
      if (head.seq() > signed) {
        unsignedHead = head;
        unsignedRecords = head.seq() - signed;
        lastCheckpointAt = Instant.MIN;
      }
    } catch (RuntimeException e) {
      LOG.warn("could not read the audit chain head at start; the unsigned tail is signed with the next checkpoint", e);
    }
  }

  /** After a batch: {@code count} more records, the last of them {@code last}, wait for a signature. */
  void written(AuditRecord last, int count) {
    unsignedHead = new ChainHead(last.seq(), last.hash());
    unsignedRecords += count;
  }

  /** Signs and stores the last record written if a checkpoint is due (or {@code force}d) and there is one to sign. */
  void maybeCheckpoint(boolean force) {
    if (unsignedRecords == 0 || unsignedHead == null) {
      return;
    }
    Instant now = clock.instant();
    boolean due = force
        || unsignedRecords >= config.checkpointEveryRecords()
        || !now.isBefore(lastCheckpointAt.plus(config.checkpointInterval()));
    if (!due) {
      return;
    }
    lastCheckpointAt = now;
    AuditSigningKey key = signingKey;
    if (key == null) {
      try {
        key = Objects.requireNonNull(signingKeySource.get(), "signing key");
        signingKey = key;
      } catch (RuntimeException e) {
        LOG.debug("audit signing key not available yet; checkpoint at seq {} postponed", unsignedHead.seq());
        return;
      }
    }
    try {
      checkLastStillStored();
      AuditCheckpoint checkpoint = key.sign(unsignedHead.seq(), unsignedHead.hash(), now);
      repository.insertCheckpoint(checkpoint);
      lastStored = checkpoint;
      written.incrementAndGet();
      unsignedRecords = 0;
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      LOG.warn("audit checkpoint at seq {} could not be stored; retrying at the next trigger", unsignedHead.seq(), e);
    }
  }

  /**
   * Whether the trail still holds the last checkpoint this log stored: the checkpoint is stored as
   * it was and the record at its seq still has its hash. The row alone is not enough: records
   * rewritten under it while it stays would be signed by the next checkpoint, and the row could be
   * deleted after that. One that is not held is kept as evidence.
   */
  private void checkLastStillStored() {
    AuditCheckpoint last = lastStored;
    if (last == null || last == lastNotHeld) {
      return;
    }
    Optional<AuditCheckpoint> stored = repository.checkpoint(last.seq());
    String problem;
    if (stored.isEmpty()) {
      problem = "gone from the trail";
    } else if (!stored.get().equals(last)) {
      problem = "replaced by another";
    } else {
      List<AuditRecord> at = repository.read(last.seq(), 1);
      if (!at.isEmpty() && at.get(0).seq() == last.seq() && last.hash().equals(at.get(0).hash())) {
        return;
      }
      problem = at.isEmpty() || at.get(0).seq() != last.seq()
          ? "still stored but its record is gone" : "still stored but its record was rewritten";
    }
    missing.incrementAndGet();
    // before lastStored moves on (a volatile write): a reader that sees the next one sees this too
    notHeld.add(last);
    lastNotHeld = last;
    LOG.error("the audit checkpoint this node stored at seq {} (signed {}) is {}: checkpoints were deleted or"
        + " the trail rewritten; 'rekey audit verify' on this node reports the trail broken until it restarts",
        last.seq(), last.at(), problem);
  }

  /** Nanoseconds until the next timed checkpoint is due (on the injected clock); at least 1 ms when overdue. */
  long nanosUntilDue() {
    Duration interval = config.checkpointInterval();
    if (unsignedRecords == 0) {
      return interval.toNanos();
    }
    Duration left = Duration.between(clock.instant(), lastCheckpointAt.plus(interval));
    if (left.isNegative() || left.isZero()) {
      return TimeUnit.MILLISECONDS.toNanos(1);
    }
    return Math.min(left.toNanos(), interval.toNanos());
  }

  /** See {@link AuditLog#storedCheckpoints()}. */
  List<AuditCheckpoint> storedCheckpoints() {
    // lastStored first: every checkpoint found not held before it was stored is then in notHeld
    AuditCheckpoint last = lastStored;
    List<AuditCheckpoint> out = new ArrayList<>(notHeld);
    if (last != null && (out.isEmpty() || out.get(out.size() - 1) != last)) {
      out.add(last);
    }
    return out;
  }

  long checkpointsWritten() {
    return written.get();
  }

  long checkpointFailures() {
    return failures.get();
  }

  long checkpointsMissing() {
    return missing.get();
  }

  /** The signing key's id, or null while none is available. */
  String keyId() {
    AuditSigningKey key = signingKey;
    return key == null ? null : key.keyId();
  }
}
