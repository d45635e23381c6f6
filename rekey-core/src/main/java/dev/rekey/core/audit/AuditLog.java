package dev.rekey.core.audit;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.AuditRepository;
import dev.rekey.core.port.Transactions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-committed, fail-closed audit writer.
 *
 * <p>{@link #submit} never blocks: it puts the event on a bounded queue and returns a future. One
 * writer thread drains the queue, appends up to {@code maxBatchSize} events per
 * {@link AuditRepository#append} call (one durable commit per batch) and then completes the
 * futures with the chained records. The caller must not answer its request before the future
 * completes normally:
 *
 * <ul>
 *   <li>if the append throws, every future of that batch fails with {@code AUDIT_UNAVAILABLE};
 *   <li>if the queue is full or the log is closed, {@code submit} returns an already failed future
 *       with {@code AUDIT_UNAVAILABLE}.
 * </ul>
 *
 * A failed append may still have committed (a lost acknowledgement); then a refused request has
 * an audit record, never the reverse.
 *
 * <p>Futures complete on the writer thread: dependent stages must not block and should hop to
 * their own executor (for Vert.x, {@code Future.fromCompletionStage(stage, context)}).
 *
 * <p>{@link #submitWrite} queues a write together with the audit record of its request: the writer
 * runs it in the batch's transaction (in a savepoint of its own, so a write that throws rolls back
 * alone) and appends its record, saying how it ended, in the same commit. The request is then
 * answered after one durable commit instead of two, and concurrent writes share their commits.
 *
 * <p>Between batches the writer also stores a signed {@link AuditCheckpoint} of the last record it
 * wrote every {@code checkpointEveryRecords} records, when {@code checkpointInterval} has passed
 * with unsigned records (measured on the injected clock), and on {@link #close()}; see
 * {@link AuditCheckpointer}. A checkpoint that cannot be stored does not fail requests (their
 * records are durable); it is counted and retried.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final AuditSubmission WAKE_UP = new AuditSubmission(null, null);

  private final AuditRepository repository;
  private final Transactions transactions;
  private final AuditCheckpointer checkpointer;
  private final AuditLogConfig config;
  private final LinkedBlockingQueue<AuditSubmission> queue;
  private final Thread writer;
  private volatile boolean closing;
  private volatile boolean terminated;

  private final AtomicLong recordsWritten = new AtomicLong();
  private final AtomicLong batchesWritten = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicLong failedRecords = new AtomicLong();
  private final LongAdder rejected = new LongAdder();

  private AuditLog(AuditRepository repository, Transactions transactions, AuditSigningKey signingKey,
      Supplier<AuditSigningKey> signingKeySource, AuditLogConfig config, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.transactions = transactions;
    this.config = Objects.requireNonNull(config, "config");
    this.checkpointer = new AuditCheckpointer(repository, signingKey, signingKeySource, config, clock);
    this.queue = new LinkedBlockingQueue<>(config.queueCapacity());
    this.writer = new Thread(this::run, "rekey-audit-writer");
    this.writer.setDaemon(true);
  }

  /** Starts the writer thread. Close the log to drain it, sign the tail and stop. */
  public static AuditLog start(AuditRepository repository, AuditSigningKey signingKey, AuditLogConfig config, Clock clock) {
    Objects.requireNonNull(signingKey, "signingKey");
    AuditLog log = new AuditLog(repository, null, signingKey, () -> signingKey, config, clock);
    log.writer.start();
    return log;
  }

  /**
   * Starts with a signing key that may not be available yet (a sealed server cannot unwrap it):
   * records are written and chained at once; checkpoints wait until {@code signingKeySource}
   * returns a key instead of throwing, then sign the tail. The source is asked on the writer
   * thread, at most once per checkpoint trigger, until it succeeds.
   */
  public static AuditLog start(AuditRepository repository, Supplier<AuditSigningKey> signingKeySource,
      AuditLogConfig config, Clock clock) {
    return start(repository, null, signingKeySource, config, clock);
  }

  /**
   * As {@link #start(AuditRepository, Supplier, AuditLogConfig, Clock)}, able to commit writes with
   * their audit records ({@link #submitWrite}) in transactions of {@code transactions}, the store
   * the repository belongs to.
   */
  public static AuditLog start(AuditRepository repository, Transactions transactions,
      Supplier<AuditSigningKey> signingKeySource, AuditLogConfig config, Clock clock) {
    AuditLog log = new AuditLog(repository, transactions, null, signingKeySource, config, clock);
    log.writer.start();
    return log;
  }

  /**
   * Queues {@code event} for the audit trail; never blocks. The future completes with the durable
   * record, or fails with a {@link RekeyException} of code {@code AUDIT_UNAVAILABLE}.
   */
  public CompletableFuture<AuditRecord> submit(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (closing) {
      return reject(closedException());
    }
    AuditSubmission p = new AuditSubmission(event, new CompletableFuture<>());
    if (!queue.offer(p)) {
      return reject(unavailable("the audit queue is full; the request was refused"));
    }
    // The writer may have finished its last drain between the check above and the offer.
    if (terminated && queue.remove(p)) {
      rejected.increment();
      p.future.completeExceptionally(closedException());
    }
    return p.future;
  }

  /**
   * Queues a write whose request's audit record commits with it; never blocks. The writer runs
   * {@code work} in its own savepoint of the next batch's transaction and asks {@code recordFor}
   * for the record: with the result when the write succeeded, with the exception when it threw
   * (its changes are then rolled back). After the commit, {@code afterCommit} runs with a
   * successful result on the writer thread (to publish it to caches), then the future completes
   * with the {@link Audited} outcome. If the batch cannot commit, nothing of it is stored and the
   * future fails with {@code AUDIT_UNAVAILABLE}; so does a full queue or a closed log.
   *
   * <p>{@code work} runs on the writer thread: it must be short and must not wait for this log.
   */
  public <T> CompletableFuture<Audited<T>> submitWrite(Supplier<T> work, Consumer<? super T> afterCommit,
      BiFunction<? super T, Throwable, AuditEvent> recordFor) {
    if (transactions == null) {
      throw new IllegalStateException("this audit log was started without the store's transactions");
    }
    AuditSubmission.WithWrite<T> p = new AuditSubmission.WithWrite<>(Objects.requireNonNull(work, "work"),
        Objects.requireNonNull(afterCommit, "afterCommit"), Objects.requireNonNull(recordFor, "recordFor"));
    if (closing) {
      rejected.increment();
      return CompletableFuture.failedFuture(closedException());
    }
    if (!queue.offer(p)) {
      rejected.increment();
      return CompletableFuture.failedFuture(unavailable("the audit queue is full; the write was refused"));
    }
    if (terminated && queue.remove(p)) {
      rejected.increment();
      p.failed(closedException());
    }
    return p.outcome;
  }

  public AuditLogStats stats() {
    return new AuditLogStats(recordsWritten.get(), batchesWritten.get(), failedBatches.get(), failedRecords.get(),
        rejected.sum(), checkpointer.checkpointsWritten(), checkpointer.checkpointFailures(),
        checkpointer.checkpointsMissing(), queue.size());
  }

  /**
   * The checkpoints the trail must still hold as far as this log knows, oldest first, for
   * {@link AuditVerifier} anchors: every one of its checkpoints it found no longer held by the
   * trail (gone, changed, or its record rewritten) before signing the next, and the last one it
   * stored. Empty before its first checkpoint.
   */
  public List<AuditCheckpoint> storedCheckpoints() {
    return checkpointer.storedCheckpoints();
  }

  /**
   * Refuses new submissions, writes everything already submitted, stores a final checkpoint and
   * stops the writer; waits up to {@code closeTimeout}. Idempotent.
   */
  @Override
  public void close() {
    closing = true;
    queue.offer(WAKE_UP);
    if (Thread.currentThread() == writer) {
      return;
    }
    try {
      writer.join(Math.max(1, config.closeTimeout().toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("audit writer did not finish within {}; {} submissions are still queued",
          config.closeTimeout(), queue.size());
    }
  }

  private void run() {
    try {
      checkpointer.start();
      List<AuditSubmission> batch = new ArrayList<>(config.maxBatchSize());
      List<AuditEvent> events = new ArrayList<>(config.maxBatchSize());
      while (true) {
        AuditSubmission first;
        try {
          first = queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          closing = true;
          first = null;
        }
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, config.maxBatchSize() - 1);
          write(batch, events);
          batch.clear();
        }
        checkpointer.maybeCheckpoint(false);
        if (closing && queue.isEmpty()) {
          break;
        }
      }
      checkpointer.maybeCheckpoint(true);
    } catch (Throwable t) {
      LOG.error("audit writer stopped unexpectedly; audited requests are refused from now on", t);
    } finally {
      closing = true;
      terminated = true;
      for (AuditSubmission p; (p = queue.poll()) != null; ) {
        if (p != WAKE_UP) {
          rejected.increment();
          p.failed(closedException());
        }
      }
    }
  }

  private void write(List<AuditSubmission> batch, List<AuditEvent> events) {
    batch.removeIf(p -> p == WAKE_UP);
    if (batch.isEmpty()) {
      return;
    }
    List<AuditRecord> records;
    try {
      records = batch.stream().anyMatch(p -> p instanceof AuditSubmission.WithWrite<?>)
          ? transactions.inTransaction(() -> runAndAppend(batch, events))
          : append(batch, events);
    } catch (Throwable t) {
      failedBatches.incrementAndGet();
      failedRecords.addAndGet(batch.size());
      LOG.error("audit append of {} records failed; their requests are refused", batch.size(), t);
      RekeyException failure = new RekeyException(
          ErrorCode.AUDIT_UNAVAILABLE, "the audit record could not be written; the request was refused", t);
      for (AuditSubmission p : batch) {
        p.failed(failure);
      }
      return;
    }
    if (!records.isEmpty()) {
      AuditRecord last = records.get(records.size() - 1);
      checkpointer.written(last, records.size());
      recordsWritten.addAndGet(records.size());
    }
    batchesWritten.incrementAndGet();
    int next = 0;
    for (AuditSubmission p : batch) {
      if (p.event == null) {
        p.failed(unavailable("the audit record could not be made; the request was refused"));
      } else {
        p.committed(records.get(next++));
      }
    }
  }

  /** In the batch's transaction: the writes, each in a savepoint, then every record in one append. */
  private List<AuditRecord> runAndAppend(List<AuditSubmission> batch, List<AuditEvent> events) {
    // the chain head first: other nodes' batches wait here, before this one locks any row they need
    repository.holdAppendLock();
    for (AuditSubmission p : batch) {
      p.runIn(transactions);
    }
    return append(batch, events);
  }

  private List<AuditRecord> append(List<AuditSubmission> batch, List<AuditEvent> events) {
    events.clear();
    for (AuditSubmission p : batch) {
      if (p.event != null) {
        // normalized here, off the callers' threads: the repository checks that the chainer's
        // records carry exactly the events it was given (the chainer's own pass is then a scan)
        events.add(AuditChain.normalize(p.event));
      }
    }
    if (events.isEmpty()) {
      return List.of();
    }
    List<AuditRecord> records = repository.append(events, AuditChain.INSTANCE);
    if (records.size() != events.size()) {
      throw new IllegalStateException("append returned " + records.size() + " records for " + events.size() + " events");
    }
    return records;
  }

  /** Until the next timed checkpoint is due; no wait when closing. */
  private long pollNanos() {
    return closing ? 0 : checkpointer.nanosUntilDue();
  }

  private CompletableFuture<AuditRecord> reject(RekeyException e) {
    rejected.increment();
    return CompletableFuture.failedFuture(e);
  }

  private static RekeyException closedException() {
    return unavailable("the audit log is closed; the request was refused");
  }

  private static RekeyException unavailable(String message) {
    return new RekeyException(ErrorCode.AUDIT_UNAVAILABLE, message);
  }

  @Override
  public String toString() {
    String keyId = checkpointer.keyId();
    return "AuditLog[" + (keyId == null ? "no signing key yet" : keyId) + ", queued=" + queue.size()
        + ", closing=" + closing + "]";
  }
}
