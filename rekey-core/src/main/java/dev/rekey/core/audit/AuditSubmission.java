package dev.rekey.core.audit;

import dev.rekey.core.port.Transactions;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submission to the {@link AuditLog} writer: an event whose future completes with its durable
 * record. Identity equality, so the queue can remove exactly this one.
 */
class AuditSubmission {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  AuditEvent event;
  final CompletableFuture<AuditRecord> future;

  AuditSubmission(AuditEvent event, CompletableFuture<AuditRecord> future) {
    this.event = event;
    this.future = future;
  }

  /** Runs the write this submission carries, if any, inside the batch's transaction. */
  void runIn(Transactions transactions) {}

  void committed(AuditRecord record) {
    future.complete(record);
  }

  void failed(Throwable failure) {
    future.completeExceptionally(failure);
  }

  /** A write and its request's audit record, committed together ({@link AuditLog#submitWrite}). */
  static final class WithWrite<T> extends AuditSubmission {
    private final Supplier<T> work;
    private final Consumer<? super T> afterCommit;
    private final BiFunction<? super T, Throwable, AuditEvent> recordFor;
    final CompletableFuture<Audited<T>> outcome = new CompletableFuture<>();
    private T result;
    private Throwable failure;

    WithWrite(Supplier<T> work, Consumer<? super T> afterCommit,
        BiFunction<? super T, Throwable, AuditEvent> recordFor) {
      super(null, null);
      this.work = work;
      this.afterCommit = afterCommit;
      this.recordFor = recordFor;
    }

    @Override
    void runIn(Transactions transactions) {
      result = null;
      failure = null;
      event = null;
      try {
        // the record is made inside the write's savepoint: a write without its record never commits
        result = transactions.inTransaction(() -> {
          T r = work.get();
          event = Objects.requireNonNull(recordFor.apply(r, null), "audit record");
          return r;
        });
      } catch (Throwable t) {
        result = null;
        failure = t;
        try {
          event = Objects.requireNonNull(recordFor.apply(null, t), "audit record");
        } catch (RuntimeException e) {
          event = null; // left out of the batch: failed below without a record
          LOG.error("no audit record for a refused write; the request is refused", e);
        }
      }
    }

    @Override
    void committed(AuditRecord record) {
      if (failure == null) {
        try {
          afterCommit.accept(result);
        } catch (RuntimeException e) {
          // the write is durable; a cache that missed it reloads from the store
          LOG.warn("after-commit step failed: {}", e.toString());
        }
      }
      outcome.complete(new Audited<>(result, failure));
    }

    @Override
    void failed(Throwable batchFailure) {
      outcome.completeExceptionally(batchFailure);
    }
  }
}
