package dev.rekey.core.usage;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live usage counters of one key on this node, one cell per version. {@link #record} is on
 * the hot path of every cryptographic operation: it takes no lock and allocates nothing once the
 * version's cell exists (a LongAdder increment, a read of the counter's coarse time, and a timestamp
 * write at most once per {@link #LAST_USED_RESOLUTION_MILLIS} per version and operation).
 */
public final class KeyUsage {
  /** Last-used times are coarse: updated at most this often per version and operation. */
  public static final long LAST_USED_RESOLUTION_MILLIS = 1000;

  private final String namespace;
  private final String name;
  private final UsageCounter owner;
  /** Index = version number; copied on write, so a reader sees only fully built cells. */
  private volatile Cell[] cells = new Cell[4];

  /** The counters of one version. The flushed* fields belong to the flusher (under its lock). */
  static final class Cell {
    final int version;
    final LongAdder[] counts = new LongAdder[Operation.count()];
    final AtomicLongArray lastUsedMillis = new AtomicLongArray(Operation.count());
    final long[] flushedCounts = new long[Operation.count()];
    final long[] flushedLastUsed = new long[Operation.count()];

    Cell(int version) {
      this.version = version;
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }
  }

  KeyUsage(String namespace, String name, UsageCounter owner) {
    this.namespace = namespace;
    this.name = name;
    this.owner = owner;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  /** Counts one {@code operation} with {@code version} of this key, now. */
  public void record(int version, Operation operation) {
    Cell[] a = cells;
    Cell c = version > 0 && version < a.length ? a[version] : null;
    if (c == null) {
      c = create(version);
    }
    int op = operation.ordinal();
    c.counts[op].increment();
    long now = owner.now();
    if (now - c.lastUsedMillis.get(op) >= LAST_USED_RESOLUTION_MILLIS) {
      c.lastUsedMillis.set(op, now);
    }
  }

  private synchronized Cell create(int version) {
    if (version <= 0) {
      throw new IllegalArgumentException("version must be positive");
    }
    Cell[] a = cells;
    if (version < a.length && a[version] != null) {
      return a[version];
    }
    Cell[] grown = java.util.Arrays.copyOf(a, Math.max(a.length, Integer.highestOneBit(version) * 2));
    Cell c = new Cell(version);
    grown[version] = c;
    cells = grown;
    return c;
  }

  /** The versions counted on this node since start, ascending. */
  public java.util.List<Integer> versions() {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (Cell c : cells) {
      if (c != null) {
        out.add(c.version);
      }
    }
    return out;
  }

  /** How often {@code version} was used for {@code operation} on this node since start. */
  public long count(int version, Operation operation) {
    Cell[] a = cells;
    Cell c = version > 0 && version < a.length ? a[version] : null;
    return c == null ? 0 : c.counts[operation.ordinal()].sum();
  }

  /** The cells that exist now, in version order. */
  Cell[] cells() {
    return cells;
  }

  @Override
  public String toString() {
    return "KeyUsage[" + namespace + "/" + name + "]";
  }
}
