package dev.rekey.server.metrics;

import dev.rekey.core.key.Key;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.usage.KeyUsage;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-version operation counts and key ages. Counters are this node's counts since start (so
 * Prometheus sums nodes with {@code sum by (key, version)}); a series exists only for a version
 * and operation that this node has used, which bounds the cardinality by actual use. Key age is
 * exported for the keys this node has loaded (served or read) since start.
 */
public final class UsageMetrics {
  private final Metrics metrics;
  private final UsageCounter counter;
  private final Set<String> registered = new HashSet<>();

  private UsageMetrics(Metrics metrics, UsageCounter counter) {
    this.metrics = metrics;
    this.counter = counter;
  }

  /** Registers the usage counters and the key age gauges of {@code cache} with {@code metrics}. */
  public static void register(Metrics metrics, KeyCache cache, Clock clock) {
    UsageMetrics m = new UsageMetrics(metrics, cache.usageCounter());
    metrics.beforeScrape(m::registerNewCounters);
    metrics.labeledGauges(MetricNames.KEY_AGE, "Seconds since the primary version of the key was created",
        "seconds", MetricNames.KEY_LABELS, () -> {
          List<Metrics.Sample> rows = new ArrayList<>();
          for (Key k : cache.cachedKeys()) {
            double age = Duration.between(k.primary().createdAt(), clock.instant()).toNanos() / 1e9;
            rows.add(Metrics.Sample.of(age, k.namespace(), k.name()));
          }
          return rows;
        });
  }

  /** Adds a counter for every (key, version, operation) used since the last scrape. */
  private synchronized void registerNewCounters() {
    for (KeyUsage k : counter.keys()) {
      for (int version : k.versions()) {
        for (Operation op : Operation.values()) {
          if (k.count(version, op) == 0) {
            continue;
          }
          String id = k.namespace() + '\0' + k.name() + '\0' + version + '\0' + op.ordinal();
          if (registered.add(id)) {
            int v = version;
            metrics.functionCounter(MetricNames.KEY_OPERATIONS, "Operations with a key version on this node",
                k, usage -> usage.count(v, op), "namespace", k.namespace(), "key", k.name(),
                "version", Integer.toString(version), "operation", op.wireName());
          }
        }
      }
    }
  }
}
