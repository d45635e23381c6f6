package dev.rekey.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one node's {@link RotationScheduler}.
 *
 * @param nodeId names this node as the lease owner; unique per running process
 * @param lease how long a claimed key is reserved for this node; a node that dies leaves its keys to
 *     others after this long
 * @param batch keys claimed per tick at most
 * @param discoverBatch new keys given a schedule row per tick at most
 * @param retryBase first retry delay after a failure, doubled per further failure up to {@code retryMax}
 * @param recheck a key whose policy has a version lifetime, auto-retire or a keep count is looked at
 *     again at least this often (it picks up versions created or retired by hand)
 * @param overdueAfter a rotation due for longer than this is reported as overdue
 * @param group passes committed together: each pass runs in its own savepoint (a failure rolls back
 *     only that key), the group shares one commit (one fsync); 1 commits every key on its own
 */
public record SchedulerConfig(String nodeId, Duration lease, int batch, int discoverBatch, Duration retryBase,
    Duration retryMax, Duration recheck, Duration overdueAfter, int group) {

  public SchedulerConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    if (batch < 1 || discoverBatch < 1 || group < 1) {
      throw new IllegalArgumentException("batch sizes must be positive");
    }
  }

  public static SchedulerConfig defaults(String nodeId) {
    return new SchedulerConfig(nodeId, Duration.ofMinutes(5), 500, 10_000, Duration.ofMinutes(1),
        Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 25);
  }

  public SchedulerConfig withRecheck(Duration d) {
    return new SchedulerConfig(nodeId, lease, batch, discoverBatch, retryBase, retryMax, d, overdueAfter, group);
  }

  public SchedulerConfig withLease(Duration d) {
    return new SchedulerConfig(nodeId, d, batch, discoverBatch, retryBase, retryMax, recheck, overdueAfter, group);
  }

  public SchedulerConfig withBatch(int b) {
    return new SchedulerConfig(nodeId, lease, b, discoverBatch, retryBase, retryMax, recheck, overdueAfter, group);
  }

  public SchedulerConfig withGroup(int g) {
    return new SchedulerConfig(nodeId, lease, batch, discoverBatch, retryBase, retryMax, recheck, overdueAfter, g);
  }

  /** The delay before retry number {@code failures} (1 for the first failure). */
  public Duration retryDelay(int failures) {
    Duration d = retryBase.multipliedBy(1L << Math.min(20, Math.max(0, failures - 1)));
    return d.compareTo(retryMax) > 0 ? retryMax : d;
  }
}
