package dev.rekey.core.usage;

import dev.rekey.core.port.UsageRepository;
import dev.rekey.core.port.VersionUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Persists this node's usage counters and answers usage questions from stored plus not yet flushed
 * counts. {@link #flush} writes, in one transaction, what was counted since the last successful
 * flush; when the write fails nothing is marked flushed, so the next flush writes the same deltas
 * plus whatever came since: nothing is lost or counted twice. (One exception no database can rule
 * out: a commit that succeeds while its acknowledgement is lost.) Flushes and reads take one lock;
 * the hot path ({@link KeyUsage#record}) never does.
 */
public final class UsageTracker implements VersionUsage {
  private final UsageCounter counter;
  private final UsageRepository repository;

  public UsageTracker(UsageCounter counter, UsageRepository repository) {
    this.counter = counter;
    this.repository = repository;
  }

  public UsageCounter counter() {
    return counter;
  }

  /**
   * Writes what changed since the last successful flush. Returns the number of (version, operation)
   * rows written; 0 without touching the database when nothing changed. Throws when the write
   * fails, leaving the deltas pending.
   */
  public synchronized int flush() {
    List<Pending> pending = new ArrayList<>();
    for (KeyUsage k : counter.keys()) {
      for (KeyUsage.Cell c : k.cells()) {
        if (c == null) {
          continue;
        }
        for (int op = 0; op < c.counts.length; op++) {
          long sum = c.counts[op].sum();
          long last = c.lastUsedMillis.get(op);
          if (sum != c.flushedCounts[op] || last != c.flushedLastUsed[op]) {
            pending.add(new Pending(k, c, op, sum, last));
          }
        }
      }
    }
    if (pending.isEmpty()) {
      return 0;
    }
    repository.add(pending.stream().map(Pending::delta).toList());
    for (Pending p : pending) {
      p.cell.flushedCounts[p.op] = p.sum;
      p.cell.flushedLastUsed[p.op] = p.lastUsed;
    }
    return pending.size();
  }

  /** A snapshot of one counter taken for a flush. */
  private record Pending(KeyUsage key, KeyUsage.Cell cell, int op, long sum, long lastUsed) {
    UsageCount delta() {
      return new UsageCount(key.namespace(), key.name(), cell.version, Operation.of(op),
          sum - cell.flushedCounts[op], instant(lastUsed));
    }
  }

  /**
   * The usage of every version of a key: stored counts (all nodes' flushed counts) plus this
   * node's not yet flushed counts, ordered by version and operation.
   */
  public synchronized List<UsageCount> forKey(String namespace, String key) {
    Map<String, UsageCount> merged = new TreeMap<>();
    for (UsageCount s : repository.forKey(namespace, key)) {
      merged.put(id(s.version(), s.operation()), s);
    }
    KeyUsage live = counter.find(namespace, key);
    if (live != null) {
      for (KeyUsage.Cell c : live.cells()) {
        if (c == null) {
          continue;
        }
        for (int op = 0; op < c.counts.length; op++) {
          long unflushed = c.counts[op].sum() - c.flushedCounts[op];
          Instant last = instant(c.lastUsedMillis.get(op));
          if (unflushed == 0 && last == null) {
            continue;
          }
          Operation o = Operation.of(op);
          merged.merge(id(c.version, o), new UsageCount(namespace, key, c.version, o, unflushed, last),
              (a, b) -> a.plus(b.count(), b.lastUsedAt()));
        }
      }
    }
    List<UsageCount> out = new ArrayList<>(merged.values());
    out.sort(Comparator.comparingInt(UsageCount::version).thenComparing(UsageCount::operation));
    return out;
  }

  /** When {@code version} was last used for any operation, on any node that has flushed, or here. */
  @Override
  public Optional<Instant> lastUsedAt(String namespace, String key, int version) {
    Instant last = null;
    for (UsageCount c : forKey(namespace, key)) {
      if (c.version() == version) {
        last = UsageCount.later(last, c.lastUsedAt());
      }
    }
    return Optional.ofNullable(last);
  }

  private static String id(int version, Operation op) {
    return String.format("%010d/%02d", version, op.ordinal());
  }

  static Instant instant(long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
  }
}
