package dev.rekey.core.campaign;

import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.port.DekRepository.Rewrapped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads and re-wraps a campaign's next page on a thread of its own while the current batch is being
 * written and committed, so that on two cores the database work of one batch overlaps the page read
 * and the crypto of the next. What it prepares is only a proposal: it holds new wrapped values (no
 * plaintext) for rows as they were when read, outside any transaction. The runner uses it only
 * when the campaign's checkpoint, versions and batch size still match, and writes it with the same
 * conditional update as a page read inside the batch, so a row changed in between fails the batch
 * (which is then retried) instead of being overwritten. Nothing prepared here is ever committed
 * on its own, so the crash-safety of the batch transactions is unchanged.
 */
final class BatchPrefetcher implements AutoCloseable {
  /** How long a batch waits for its page from this thread before reading it itself. */
  private static final long WAIT_SECONDS = 30;

  /** What a prepared page was read for: a campaign, its direction and the keyset position. */
  record Request(long campaign, int source, int target, long afterId, int limit) {}

  /** A page read after {@code request.afterId()} and its rows re-wrapped to {@code request.target()}. */
  record Prepared(Request request, List<StoredDek> page, Rewrapped[] rows) {}

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private ExecutorService executor;
  private boolean closed;

  private record Pending(Request request, Future<Prepared> result) {}

  /** Starts preparing {@code request} (replacing whatever was pending for its campaign). */
  synchronized void start(Request request, Supplier<Prepared> work) {
    if (closed) {
      return;
    }
    if (executor == null) {
      executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rekey-rewrap-prefetch");
        t.setDaemon(true);
        return t;
      });
    }
    Future<Prepared> f = executor.submit(() -> {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return null; // the batch reads the page itself and meets (and reports) the same problem
      }
    });
    Pending old = pending.put(request.campaign(), new Pending(request, f));
    if (old != null) {
      old.result().cancel(false);
    }
  }

  /**
   * The page prepared for {@code campaign}, waiting for it if it is still being prepared; null when
   * none was started or preparing it failed. Call outside the batch transaction: on SQLite the wait
   * must not hold the write slot.
   */
  Prepared take(long campaign) {
    Pending p = pending.remove(campaign);
    if (p == null) {
      return null;
    }
    try {
      return p.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.result().cancel(true);
      return null;
    } catch (Exception e) {
      p.result().cancel(true);
      return null;
    }
  }

  /** Drops what was prepared for {@code campaign} (it stopped on this node). */
  void discard(long campaign) {
    Pending p = pending.remove(campaign);
    if (p != null) {
      p.result().cancel(false);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    pending.clear();
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }
}
