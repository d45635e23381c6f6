package dev.rekey.core.testing;

import dev.rekey.core.audit.AuditChainer;
import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import dev.rekey.core.port.AuditRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A thread-safe in-memory {@link AuditRepository}: {@link #append} is atomic (all records or
 * none) under one lock, like a transaction that locks the chain head. Records are kept in seq
 * order; the chain head is stored separately, as in a database.
 *
 * <p>Test hooks let a test play an attacker with write access to the store (modify, delete,
 * insert, swap, truncate records; replace checkpoints) and make {@link #append} fail or wait.
 */
public final class InMemoryAuditRepository implements AuditRepository {
  private final List<AuditRecord> records = new ArrayList<>();
  private final List<AuditCheckpoint> checkpoints = new ArrayList<>();
  private ChainHead head = ChainHead.EMPTY;
  private int appendCalls;
  private int largestBatch;
  private volatile RuntimeException appendFailure;
  private volatile RuntimeException checkpointFailure;
  private volatile RuntimeException readFailure;
  private volatile CountDownLatch appendGate;

  @Override
  public List<AuditRecord> append(List<AuditEvent> events, AuditChainer chainer) {
    CountDownLatch gate = appendGate;
    if (gate != null) {
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("append gate was never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    synchronized (this) {
      RuntimeException failure = appendFailure;
      if (failure != null) {
        throw failure;
      }
      List<AuditRecord> chained = List.copyOf(chainer.chain(head, events));
      long seq = head.seq();
      for (AuditRecord r : chained) {
        if (r.seq() != ++seq) {
          throw new IllegalStateException("chainer produced seq " + r.seq() + ", expected " + seq);
        }
      }
      records.addAll(chained);
      if (!chained.isEmpty()) {
        AuditRecord last = chained.get(chained.size() - 1);
        head = new ChainHead(last.seq(), last.hash());
      }
      appendCalls++;
      largestBatch = Math.max(largestBatch, chained.size());
      return chained;
    }
  }

  @Override
  public synchronized ChainHead head() {
    return head;
  }

  @Override
  public synchronized List<AuditRecord> read(long fromSeq, int limit) {
    RuntimeException failure = readFailure;
    if (failure != null) {
      throw failure;
    }
    List<AuditRecord> out = new ArrayList<>(Math.min(limit, 1024));
    int start = firstIndexAtOrAfter(fromSeq);
    for (int i = start; i < records.size() && out.size() < limit; i++) {
      out.add(records.get(i));
    }
    return out;
  }

  @Override
  public synchronized void insertCheckpoint(AuditCheckpoint checkpoint) {
    RuntimeException failure = checkpointFailure;
    if (failure != null) {
      throw failure;
    }
    checkpoints.add(checkpoint);
    checkpoints.sort(Comparator.comparingLong(AuditCheckpoint::seq));
  }

  @Override
  public synchronized List<AuditCheckpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  @Override
  public synchronized Optional<AuditCheckpoint> checkpoint(long seq) {
    RuntimeException failure = readFailure;
    if (failure != null) {
      throw failure;
    }
    return checkpoints.stream().filter(cp -> cp.seq() == seq).findFirst();
  }

  // ---- inspection ----

  public synchronized int size() {
    return records.size();
  }

  public synchronized List<AuditRecord> all() {
    return List.copyOf(records);
  }

  public synchronized AuditRecord record(long seq) {
    return records.get(indexOf(seq));
  }

  public synchronized int appendCalls() {
    return appendCalls;
  }

  public synchronized int largestBatch() {
    return largestBatch;
  }

  // ---- failure injection ----

  /** Every append throws {@code failure} (null to recover), writing nothing. */
  public void failAppends(RuntimeException failure) {
    appendFailure = failure;
  }

  /** Every checkpoint insert throws {@code failure} (null to recover). */
  public void failCheckpoints(RuntimeException failure) {
    checkpointFailure = failure;
  }

  /** Every read throws {@code failure} (null to recover). */
  public void failReads(RuntimeException failure) {
    readFailure = failure;
  }

  /** Appends wait until the returned latch is counted down (as if the disk stalled). */
  public CountDownLatch holdAppends() {
    CountDownLatch gate = new CountDownLatch(1);
    appendGate = gate;
    return gate;
  }

  public void releaseAppends() {
    CountDownLatch gate = appendGate;
    appendGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  // ---- tampering: an attacker with write access to the tables ----

  /** Replaces the event of record {@code seq}, keeping its stored hashes. */
  public synchronized void modifyEvent(long seq, UnaryOperator<AuditEvent> change) {
    int i = indexOf(seq);
    AuditRecord r = records.get(i);
    records.set(i, new AuditRecord(r.seq(), change.apply(r.event()), r.prevHash(), r.hash()));
  }

  /** Replaces record {@code seq} by {@code replacement} as given. */
  public synchronized void replace(long seq, AuditRecord replacement) {
    records.set(indexOf(seq), replacement);
  }

  /** Deletes record {@code seq}, leaving a gap; the head is untouched. */
  public synchronized void delete(long seq) {
    records.remove(indexOf(seq));
  }

  /** Deletes record {@code seq} and renumbers the later records down by one (no gap). */
  public synchronized void deleteAndRenumber(long seq) {
    int i = indexOf(seq);
    records.remove(i);
    for (int j = i; j < records.size(); j++) {
      AuditRecord r = records.get(j);
      records.set(j, new AuditRecord(r.seq() - 1, r.event(), r.prevHash(), r.hash()));
    }
  }

  /** Inserts {@code forged} at its seq, renumbering the record there and all later ones up by one. */
  public synchronized void insertAndRenumber(AuditRecord forged) {
    int i = firstIndexAtOrAfter(forged.seq());
    for (int j = i; j < records.size(); j++) {
      AuditRecord r = records.get(j);
      records.set(j, new AuditRecord(r.seq() + 1, r.event(), r.prevHash(), r.hash()));
    }
    records.add(i, forged);
  }

  /** Swaps the contents (event and hashes) of records {@code a} and {@code b}; seqs stay in place. */
  public synchronized void swap(long a, long b) {
    int i = indexOf(a);
    int j = indexOf(b);
    AuditRecord ra = records.get(i);
    AuditRecord rb = records.get(j);
    records.set(i, new AuditRecord(ra.seq(), rb.event(), rb.prevHash(), rb.hash()));
    records.set(j, new AuditRecord(rb.seq(), ra.event(), ra.prevHash(), ra.hash()));
  }

  /** Deletes every record after {@code seq}; with {@code moveHead} also sets the head to record {@code seq}. */
  public synchronized void truncateAfter(long seq, boolean moveHead) {
    records.removeIf(r -> r.seq() > seq);
    if (moveHead) {
      head = seq == 0 ? ChainHead.EMPTY : new ChainHead(seq, record(seq).hash());
    }
  }

  public synchronized void setHead(ChainHead forged) {
    head = forged;
  }

  /** Replaces checkpoint number {@code index} (in seq order). */
  public synchronized void replaceCheckpoint(int index, UnaryOperator<AuditCheckpoint> change) {
    checkpoints.set(index, change.apply(checkpoints.get(index)));
  }

  public synchronized void deleteCheckpoints() {
    checkpoints.clear();
  }

  /** Deletes every checkpoint before {@code seq}. */
  public synchronized void deleteCheckpointsBefore(long seq) {
    checkpoints.removeIf(cp -> cp.seq() < seq);
  }

  /** Deletes every checkpoint after {@code seq}. */
  public synchronized void deleteCheckpointsAfter(long seq) {
    checkpoints.removeIf(cp -> cp.seq() > seq);
  }

  private int indexOf(long seq) {
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).seq() == seq) {
        return i;
      }
    }
    throw new IllegalArgumentException("no record with seq " + seq);
  }

  /** Binary search in seq order (tampering may break the order; then the answer is approximate). */
  private int firstIndexAtOrAfter(long seq) {
    int lo = 0;
    int hi = records.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (records.get(mid).seq() < seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
