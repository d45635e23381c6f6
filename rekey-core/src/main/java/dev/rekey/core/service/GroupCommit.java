package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of durable writes. Callers {@link #submit} a unit of work; one writer thread takes
 * everything queued (up to {@code maxBatch} units) and runs the units, in submission order, inside
 * ONE transaction, each unit in a nested transaction (a savepoint with the JDBC store):
 *
 * <ul>
 *   <li>a unit that throws rolls back alone; its caller's future fails with that exception and the
 *       other units of the batch still commit;
 *   <li>a unit sees the writes of the units before it in the same batch (same connection), so two
 *       writes of the same row both land, one after the other;
 *   <li>futures complete only after the commit: nothing is acknowledged before it is durable. If
 *       the commit fails, every unit that had succeeded fails with {@code INTERNAL} ("not stored")
 *       and the transaction leaves nothing behind (as with any database, a connection lost during
 *       COMMIT can hide a commit that did happen: a refused write may then be stored, never the
 *       reverse).
 * </ul>
 *
 * <p>After a commit, each successful unit's {@code afterCommit} runs on the writer thread in
 * submission order (to publish committed state to caches), then its future completes. Futures
 * complete on the writer thread: dependent stages must be cheap and must not block.
 *
 * <p>Units run on the writer thread and must not wait for other units of this batcher.
 */
public final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  public static final int DEFAULT_MAX_BATCH = 512;
  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  private static final long CLOSE_WAIT_SECONDS = 10;
  private static final long IDLE_POLL_MILLIS = 50;

  private final Transactions transactions;
  private final int maxBatch;
  private final LinkedBlockingQueue<Unit<?>> queue;
  private final Thread writer;
  private volatile boolean closing;
  private volatile boolean terminated;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong units = new AtomicLong();

  /** One submitted unit; identity equality so the queue can remove exactly this one. */
  private static final class Unit<T> {
    final Supplier<T> work;
    final Consumer<? super T> afterCommit;
    final CompletableFuture<T> future = new CompletableFuture<>();
    T result;
    Throwable failure;

    Unit(Supplier<T> work, Consumer<? super T> afterCommit) {
      this.work = work;
      this.afterCommit = afterCommit;
    }

    void run(Transactions transactions) {
      try {
        result = transactions.inTransaction(work);
      } catch (Throwable t) {
        failure = t;
      }
    }

    void publishAndComplete() {
      if (failure != null) {
        future.completeExceptionally(failure);
        return;
      }
      try {
        afterCommit.accept(result);
      } catch (RuntimeException e) {
        // the write is durable; a cache that missed it reloads from the store
        LOG.warn("after-commit step failed: {}", e.toString());
      }
      future.complete(result);
    }
  }

  private GroupCommit(Transactions transactions, String name, int maxBatch, int queueCapacity) {
    if (maxBatch < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("maxBatch and queueCapacity must be positive");
    }
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.maxBatch = maxBatch;
    this.queue = new LinkedBlockingQueue<>(queueCapacity);
    this.writer = new Thread(this::run, "rekey-group-commit-" + name);
    this.writer.setDaemon(true);
  }

  /** Starts a batcher and its writer thread, named {@code rekey-group-commit-<name>}. */
  public static GroupCommit start(Transactions transactions, String name, int maxBatch, int queueCapacity) {
    GroupCommit g = new GroupCommit(transactions, name, maxBatch, queueCapacity);
    g.writer.start();
    return g;
  }

  public static GroupCommit start(Transactions transactions, String name) {
    return start(transactions, name, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY);
  }

  /** Queues {@code work}; the future completes with its result once the batch holding it committed. */
  public <T> CompletableFuture<T> submit(Supplier<T> work) {
    return submit(work, r -> { });
  }

  /**
   * Queues {@code work}; never blocks. After the batch holding it committed, {@code afterCommit}
   * runs with its result and then the future completes with it. A full queue or a closed batcher
   * gives an already failed future ({@code INTERNAL}, nothing written).
   */
  public <T> CompletableFuture<T> submit(Supplier<T> work, Consumer<? super T> afterCommit) {
    Unit<T> unit = new Unit<>(Objects.requireNonNull(work, "work"), Objects.requireNonNull(afterCommit, "afterCommit"));
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    if (!queue.offer(unit)) {
      return CompletableFuture.failedFuture(new RekeyException(ErrorCode.INTERNAL,
          "too many writes waiting (" + queue.size() + "); the write was refused, nothing was stored"));
    }
    if (terminated && queue.remove(unit)) {
      unit.future.completeExceptionally(closed());
    }
    return unit.future;
  }

  /** Batches run (committed or not) since start. */
  public long batches() {
    return batches.get();
  }

  /** Units run since start: {@code units() / batches()} is the mean batch size. */
  public long units() {
    return units.get();
  }

  /** Units waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  /** Refuses new units, commits what is queued and stops the writer (waits up to 10 s). Idempotent. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Unit<?>> batch = new ArrayList<>(maxBatch);
    try {
      while (true) {
        Unit<?> first;
        try {
          first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          LOG.warn("group commit writer interrupted; it stops at close");
          continue;
        }
        if (first == null) {
          if (closing) {
            break; // closed and drained
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        commit(batch);
        batch.clear();
      }
    } finally {
      terminated = true;
      LOG.info("group commit {} stopped: {} writes in {} batches", writer.getName(), units.get(), batches.get());
      Unit<?> left;
      while ((left = queue.poll()) != null) {
        left.future.completeExceptionally(closed());
      }
    }
  }

  private void commit(List<Unit<?>> batch) {
    batches.incrementAndGet();
    units.addAndGet(batch.size());
    try {
      transactions.run(() -> batch.forEach(u -> u.run(transactions)));
    } catch (Throwable t) {
      LOG.error("group commit of {} writes failed: {}", batch.size(), t.toString());
      RekeyException notStored = new RekeyException(ErrorCode.INTERNAL, "the transaction of a group of "
          + batch.size() + " writes failed to commit; this write was not stored", t);
      for (Unit<?> u : batch) {
        if (u.failure == null) {
          u.failure = notStored;
        }
      }
    }
    batch.forEach(Unit::publishAndComplete);
  }

  private static RekeyException closed() {
    return new RekeyException(ErrorCode.INTERNAL, "the server is shutting down; the write was refused, nothing was stored");
  }
}
