package dev.rekey.server.metrics;

import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogStats;
import java.util.function.ToDoubleFunction;

/**
 * The audit writer's health, read from {@link AuditLog#stats()} at scrape time: records and
 * group commits written (their ratio is the mean batch size), failures (each refused its
 * requests: the trail is fail-closed), refusals, checkpoints (and any of them found gone from the
 * trail), and the queue depth.
 */
public final class AuditMetrics {
  private AuditMetrics() {}

  public static void register(Metrics metrics, AuditLog audit) {
    counter(metrics, audit, MetricNames.AUDIT_RECORDS, "Audit records made durable", AuditLogStats::recordsWritten);
    counter(metrics, audit, MetricNames.AUDIT_COMMITS, "Group commits of audit records", AuditLogStats::batchesWritten);
    counter(metrics, audit, MetricNames.AUDIT_FAILED_RECORDS,
        "Audit records that could not be written (their requests were refused)", AuditLogStats::failedRecords);
    counter(metrics, audit, MetricNames.AUDIT_REJECTED,
        "Requests refused because the audit queue was full or closed", AuditLogStats::rejected);
    counter(metrics, audit, MetricNames.AUDIT_CHECKPOINTS, "Signed audit checkpoints stored",
        AuditLogStats::checkpointsWritten);
    counter(metrics, audit, MetricNames.AUDIT_CHECKPOINTS_MISSING,
        "Audit checkpoints this node had stored and then found gone from the trail (tampering)",
        AuditLogStats::checkpointsMissing);
    metrics.gauge(MetricNames.AUDIT_QUEUE, "Audit records waiting for the writer", "records", audit,
        a -> a.stats().queueDepth());
  }

  private static void counter(Metrics metrics, AuditLog audit, String name, String description,
      ToDoubleFunction<AuditLogStats> value) {
    metrics.functionCounter(name, description, audit, a -> value.applyAsDouble(a.stats()));
  }
}
