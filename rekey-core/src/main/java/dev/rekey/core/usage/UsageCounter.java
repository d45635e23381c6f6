package dev.rekey.core.usage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's live usage counters, one {@link KeyUsage} per key. The hot path looks a key's
 * counters up once per key cache entry (see {@code KeyCache.Entry#usage}), not per operation.
 * Counters only grow; {@link UsageTracker} persists what changed since its last flush.
 */
public final class UsageCounter {
  private final Clock clock;
  private final Map<Id, KeyUsage> keys = new ConcurrentHashMap<>();
  /** The time of the last {@link #tick()}; 0 while nobody ticks (then each operation reads the clock). */
  private volatile long coarseMillis;

  private record Id(String namespace, String name) {}

  public UsageCounter(Clock clock) {
    this.clock = clock;
  }

  /** The counters of a key, created on first use. */
  public KeyUsage forKey(String namespace, String name) {
    return keys.computeIfAbsent(new Id(namespace, name), id -> new KeyUsage(id.namespace, id.name, this));
  }

  /** The counters of a key if it was used on this node, else null. */
  public KeyUsage find(String namespace, String name) {
    return keys.get(new Id(namespace, name));
  }

  /** Every key with counters on this node. */
  public List<KeyUsage> keys() {
    return new ArrayList<>(keys.values());
  }

  /**
   * This node's totals since start per used version and operation (what a metrics scrape exports),
   * with the last-use time.
   */
  public List<UsageCount> totals() {
    List<UsageCount> out = new ArrayList<>();
    for (KeyUsage k : keys.values()) {
      for (KeyUsage.Cell c : k.cells()) {
        if (c == null) {
          continue;
        }
        for (int op = 0; op < c.counts.length; op++) {
          long n = c.counts[op].sum();
          if (n > 0) {
            out.add(new UsageCount(k.namespace(), k.name(), c.version, Operation.of(op), n,
                UsageTracker.instant(c.lastUsedMillis.get(op))));
          }
        }
      }
    }
    return out;
  }

  /**
   * Reads the clock for all counters. A server calls this every few hundred milliseconds so that
   * counting an operation reads a volatile field instead of the clock; without ticks each
   * operation reads the clock itself (tests, tools).
   */
  public void tick() {
    coarseMillis = clock.millis();
  }

  /** Now in epoch milliseconds: the last tick's time when ticking, else the clock's. */
  long now() {
    long coarse = coarseMillis;
    return coarse != 0 ? coarse : clock.millis();
  }
}
