package dev.rekey.core.campaign;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.dek.DekCipher;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.port.CampaignRepository;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.port.DekRepository.Rewrapped;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.service.KeyCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the batches of re-wrap campaigns on one node. Each batch is one transaction: renew the
 * lease (locking the campaign), read the next keyset page of DEKs after the checkpoint, re-wrap
 * them, update them conditionally on their row versions, and store the new checkpoint; so a crash
 * at any point leaves either the whole batch with its checkpoint or neither, and no DEK is
 * skipped or re-wrapped twice. The last forward batch completes the campaign and appends its
 * {@code RewrapCampaignCompleted} event in the same transaction. A batch holds its KEK
 * ({@link KeyCache#refreshHeld}) from the moment it checks the versions' states until it commits,
 * and a disable or destruction counts the stored DEKs again after it has written the key, so the
 * two cannot both go through: no DEK is ever re-wrapped under a version taken away meanwhile.
 *
 * <p>Forward batches of an unthrottled campaign are pipelined: while a batch is written and
 * committed, a {@link BatchPrefetcher} thread reads the next page and re-wraps it. The next batch
 * takes that page only if the campaign's checkpoint still equals the position it was read after,
 * and writes it with the same conditional update; otherwise it reads the page itself as before.
 * {@link #close()} stops that thread.
 */
public final class RewrapCampaignRunner implements AutoCloseable {
  private final CampaignRepository campaigns;
  private final DekRepository deks;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final KeyCache cache;
  private final DekCipher cipher;
  private final Clock clock;
  private final Duration lease;
  private final String owner;
  private static final int PARALLEL_THRESHOLD = 2000;
  private final BatchPrefetcher prefetcher = new BatchPrefetcher();

  /** What a call to {@link #step} did. */
  public enum Step {
    /** Ran a batch; more remain. Wait the campaign's delay, then step again. */
    BATCH,
    /** The campaign reached a final state, was paused, or its lease went to another node. */
    STOPPED,
    /** Nothing to do. */
    IDLE
  }

  /** The result of a step: what happened and, after a batch, how long to wait before the next. */
  public record Result(Step step, long campaignId, long delayMillis) {}

  public RewrapCampaignRunner(CampaignRepository campaigns, DekRepository deks, Transactions transactions,
      EventOutbox outbox, KeyCache cache, Clock clock, Duration lease, String owner) {
    this.campaigns = campaigns;
    this.deks = deks;
    this.transactions = transactions;
    this.outbox = outbox;
    this.cache = cache;
    this.cipher = new DekCipher(cache);
    this.clock = clock;
    this.lease = lease;
    this.owner = owner;
  }

  public String owner() {
    return owner;
  }

  /** Claims a runnable campaign whose lease is free or lapsed; empty when there is none. */
  public Optional<Long> claim() {
    return claim(java.util.Set.of());
  }

  /** Claims a runnable campaign other than {@code except} (those this node already runs). */
  public Optional<Long> claim(java.util.Set<Long> except) {
    Instant now = clock.instant();
    for (long id : campaigns.runnable(owner, now, 10 + except.size())) {
      if (!except.contains(id) && campaigns.claim(id, owner, now, now.plus(lease))) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs one batch of campaign {@code id}, which this node must have claimed. {@code waitedNanos}
   * is the throttle delay this node waited before it (0 for the first batch of a run); it is added
   * to the campaign's active time together with the batch's own duration.
   */
  public Result batch(long id, long waitedNanos) {
    long t0 = System.nanoTime();
    // waited for before the transaction begins: on SQLite it would otherwise hold the write slot
    BatchPrefetcher.Prepared ahead = prefetcher.take(id);
    Result result = null;
    try {
      result = transactions.inTransaction(() -> {
        Instant now = clock.instant();
        RewrapCampaign c = campaigns.holdForBatch(id, owner, now.plus(lease)).orElse(null);
        if (c == null) {
          return new Result(Step.STOPPED, id, 0);
        }
        RewrapCampaign next = c.state() == CampaignState.RUNNING ? forward(c, ahead, waitedNanos, t0, now)
            : rollback(c, waitedNanos, t0, now);
        if (!campaigns.saveProgress(next, owner)) {
          throw RekeyException.concurrentModification("lost the lease of campaign " + id);
        }
        return new Result(next.state().runnable() ? Step.BATCH : Step.STOPPED, id, next.delayMillis());
      });
      return result;
    } catch (CampaignFailure f) {
      fail(id, f.getMessage());
      return result = new Result(Step.STOPPED, id, 0);
    } catch (RekeyException e) {
      if (e.code() == ErrorCode.CONCURRENT_MODIFICATION) {
        return result = new Result(Step.BATCH, id, 0);
      }
      throw e;
    } finally {
      if (result == null || result.step() != Step.BATCH) {
        prefetcher.discard(id);
      }
    }
  }

  /** Runs {@code id} to its end (or until paused or lost), without delays: for tests and benchmarks. */
  public void runToEnd(long id) {
    while (batch(id, 0).step() == Step.BATCH) {
      // next batch at once
    }
  }

  /** The campaign as stored now (to notice a pause, a new throttle or a lost lease while waiting). */
  public Optional<RewrapCampaign> current(long id) {
    return campaigns.find(id);
  }

  /** Gives up this node's lease on {@code id} (on shutdown). */
  public void release(long id) {
    prefetcher.discard(id);
    campaigns.release(id, owner);
  }

  /** Stops the thread that prepares pages ahead; batches still run, reading their pages themselves. */
  @Override
  public void close() {
    prefetcher.close();
  }

  private RewrapCampaign forward(RewrapCampaign c, BatchPrefetcher.Prepared ahead, long waited, long t0,
      Instant now) {
    // held until the batch commits: a version cannot be disabled or destroyed under the DEKs it writes
    Key key = cache.refreshHeld(c.namespace(), c.kek()).key();
    KeyVersion from = key.version(c.fromVersion()).orElseThrow();
    KeyVersion to = key.version(c.toVersion()).orElseThrow();
    // A source taken away once the last of its DEKs had moved (allowed then) leaves nothing to read:
    // the batch goes on, finds an empty page and completes the campaign.
    if (!RewrapCampaignService.readable(from.state())
        && deks.countWrapped(c.namespace(), c.kek(), c.fromVersion(), c.fromVersion() + 1) > 0) {
      throw new CampaignFailure("version " + from.number() + " of key '" + c.kek() + "' became "
          + from.state().wireName() + " and cannot be read");
    }
    if (!to.state().decrypts()) {
      throw new CampaignFailure("target version " + to.number() + " of key '" + c.kek() + "' became "
          + to.state().wireName());
    }
    BatchPrefetcher.Request request = new BatchPrefetcher.Request(c.id(), c.fromVersion(), to.number(),
        c.checkpoint(), c.batchSize());
    boolean usable = ahead != null && ahead.request().equals(request);
    List<StoredDek> page = usable ? ahead.page()
        : deks.page(c.namespace(), c.kek(), c.fromVersion(), null, c.checkpoint(), c.batchSize());
    if (page.size() == c.batchSize() && c.delayMillis() == 0) {
      prepareNext(c, new BatchPrefetcher.Request(c.id(), c.fromVersion(), to.number(), lastId(page), c.batchSize()));
    }
    Rewrapped[] rows = usable ? ahead.rows() : rewrapAll(c, page, to, true);
    long lastId = write(c, page, rows, c.fromVersion(), to, c.id());
    RewrapCampaign next = c.afterForwardBatch(lastId, page.size(), waited + System.nanoTime() - t0, now);
    if (page.size() < c.batchSize()) {
      long stragglers = deks.countWrapped(c.namespace(), c.kek(), c.fromVersion(), c.fromVersion() + 1);
      if (stragglers > 0) {
        return next.restartPass(stragglers);
      }
      next = next.moveTo(CampaignState.COMPLETED, now, null);
      outbox.append(List.of(completed(next, key, now)));
    }
    return next;
  }

  private RewrapCampaign rollback(RewrapCampaign c, long waited, long t0, Instant now) {
    Key key = cache.refreshHeld(c.namespace(), c.kek()).key();
    if (!key.canDecryptWith(c.fromVersion())) {
      throw new CampaignFailure("cannot finish the rollback: version " + c.fromVersion() + " of key '" + c.kek()
          + "' is no longer enabled for decryption");
    }
    KeyVersion from = key.version(c.fromVersion()).orElseThrow();
    List<StoredDek> page = deks.page(c.namespace(), c.kek(), c.toVersion(), c.id(), c.rollbackCheckpoint(),
        c.batchSize());
    long lastId = write(c, page, rewrapAll(c, page, from, true), c.toVersion(), from, null);
    RewrapCampaign next = c.afterRollbackBatch(lastId, page.size(), waited + System.nanoTime() - t0, now);
    if (page.size() < c.batchSize()) {
      next = next.moveTo(CampaignState.CANCELLED, now, null);
    }
    return next;
  }

  /**
   * Reads and re-wraps the page {@code next} names on the prefetch thread, outside any transaction,
   * with sequential crypto: the other core is busy writing the current batch meanwhile.
   */
  private void prepareNext(RewrapCampaign c, BatchPrefetcher.Request next) {
    String namespace = c.namespace();
    String kek = c.kek();
    int keyVersion = Math.max(c.fromVersion(), c.toVersion());
    prefetcher.start(next, () -> {
      List<StoredDek> page = deks.page(namespace, kek, next.source(), null, next.afterId(), next.limit());
      KeyVersion target = cipher.kekWithVersion(namespace, kek, keyVersion).key().version(next.target()).orElseThrow();
      return new BatchPrefetcher.Prepared(next, page, rewrapAll(namespace, kek, keyVersion, page, target, false));
    });
  }

  private Rewrapped[] rewrapAll(RewrapCampaign c, List<StoredDek> page, KeyVersion target, boolean parallel) {
    return rewrapAll(c.namespace(), c.kek(), Math.max(c.fromVersion(), c.toVersion()), page, target, parallel);
  }

  /**
   * Unwraps every row of {@code page} and wraps it again with {@code target}: all unwraps first,
   * then all wraps, so each AES key schedule is computed once per thread and batch, not per DEK.
   * With {@code parallel}, large pages use the common pool too. The plaintexts are zeroed before
   * this returns.
   */
  private Rewrapped[] rewrapAll(String namespace, String kekName, int keyVersion, List<StoredDek> page,
      KeyVersion target, boolean parallel) {
    int n = page.size();
    Rewrapped[] out = new Rewrapped[n];
    if (n == 0) {
      return out;
    }
    KeyCache.Entry kek = cipher.kekWithVersion(namespace, kekName, keyVersion);
    byte[][] plain = new byte[n][];
    try {
      each(n, parallel, i -> {
        StoredDek d = page.get(i);
        try {
          plain[i] = cipher.unwrap(kek, d);
        } catch (RekeyException e) {
          throw new CampaignFailure("data key row " + d.id() + " (tenant '" + d.tenant() + "' version "
              + d.version() + ") does not unwrap with version " + d.kekVersion());
        }
      });
      each(n, parallel, i -> {
        StoredDek d = page.get(i);
        out[i] = new Rewrapped(d.id(), d.rowVersion(), cipher.wrap(kek, target, d.tenant(), d.version(), plain[i]));
      });
    } finally {
      for (byte[] p : plain) {
        if (p != null) {
          Arrays.fill(p, (byte) 0);
        }
      }
    }
    return out;
  }

  /**
   * Writes re-wrapped {@code rows} (of {@code page}, wrapped by {@code source}) as wrapped by
   * {@code target}; returns the last row id. Every row must still be as read, or the batch fails
   * with a concurrent modification (and is retried).
   */
  private long write(RewrapCampaign c, List<StoredDek> page, Rewrapped[] rows, int source, KeyVersion target,
      Long marker) {
    if (page.isEmpty()) {
      return 0;
    }
    int updated = deks.rewrap(c.namespace(), c.kek(), source, Arrays.asList(rows), target.number(), marker);
    if (updated != rows.length) {
      throw RekeyException.concurrentModification("data keys changed during a batch of campaign " + c.id());
    }
    return lastId(page);
  }

  private static long lastId(List<StoredDek> page) {
    return page.isEmpty() ? 0 : page.get(page.size() - 1).id();
  }

  /** Runs {@code work} for 0..n-1, in parallel when there is enough of it to pay for the hand-off. */
  private static void each(int n, boolean parallel, java.util.function.IntConsumer work) {
    java.util.stream.IntStream range = java.util.stream.IntStream.range(0, n);
    (parallel && n >= PARALLEL_THRESHOLD ? range.parallel() : range).forEach(work);
  }

  private void fail(long id, String message) {
    transactions.run(() -> campaigns.holdForBatch(id, owner, clock.instant().plus(lease)).ifPresent(c ->
        campaigns.saveProgress(c.moveTo(CampaignState.FAILED, clock.instant(), message), owner)));
  }

  private static Event completed(RewrapCampaign c, Key key, Instant now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("campaign_id", c.id());
    data.put("key", c.kek());
    data.put("from_version", c.fromVersion());
    data.put("to_version", c.toVersion());
    data.put("rewrapped", c.done());
    return Event.of(EventType.REWRAP_CAMPAIGN_COMPLETED, now, c.namespace(),
        "keys/" + c.kek() + "/rewrap-campaigns/" + c.id(), key.tags(), data);
  }

  /** An error the campaign cannot recover from: it becomes FAILED with this message. */
  private static final class CampaignFailure extends RuntimeException {
    CampaignFailure(String message) {
      super(message, null, false, false);
    }
  }
}
