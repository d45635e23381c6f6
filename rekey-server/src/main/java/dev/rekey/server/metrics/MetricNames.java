package dev.rekey.server.metrics;

/**
 * The names of Rekey's own meters, as registered with Micrometer (dots; the Prometheus registry
 * exports {@code rekey.rotations} as {@code rekey_rotations_total}, a gauge with base unit
 * seconds as {@code ..._seconds}). Label names are listed with each. docs/operations.md
 * "Metrics" documents the exported names.
 */
public final class MetricNames {
  private MetricNames() {}

  /** Counter, labels namespace, key, version, operation: this node's uses of each used version. */
  public static final String KEY_OPERATIONS = "rekey.key.operations";
  /** Gauge (seconds), labels namespace, key: time since the primary version was created. */
  public static final String KEY_AGE = "rekey.key.age";
  /** Gauge (seconds), labels namespace, key: until the next scheduled rotation (negative: overdue). */
  public static final String KEY_NEXT_ROTATION = "rekey.key.next.rotation";
  /** Gauge (seconds), labels namespace, key: until the primary version expires (negative: expired). */
  public static final String KEY_EXPIRY = "rekey.key.expiry";
  /** Counter, label outcome (succeeded, failed, skipped): rotations run by the scheduler. */
  public static final String ROTATIONS = "rekey.rotations";
  /** Counter, label outcome (delivered, failed, dead_lettered): webhook delivery attempts. */
  public static final String WEBHOOK_DELIVERIES = "rekey.webhook.deliveries";
  /** Distribution summary (seconds): from an event's time to the end of its delivery attempt. */
  public static final String WEBHOOK_DELIVERY_LAG = "rekey.webhook.delivery.lag";
  /** Gauge (ratio 0..1), labels campaign, namespace, key: share of a re-wrap campaign's DEKs done. */
  public static final String CAMPAIGN_PROGRESS = "rekey.rewrap.campaign.progress";
  /** Gauge, labels campaign, namespace, key: DEKs a re-wrap campaign still has to re-wrap. */
  public static final String CAMPAIGN_REMAINING = "rekey.rewrap.campaign.remaining";
  /** Counter: usage flushes that failed (their deltas stay pending and are retried). */
  public static final String USAGE_FLUSH_FAILURES = "rekey.usage.flush.failures";

  /** Counter: audit records made durable by this node. */
  public static final String AUDIT_RECORDS = "rekey.audit.records";
  /** Counter: group commits of audit records (records / commits = mean batch size). */
  public static final String AUDIT_COMMITS = "rekey.audit.commits";
  /** Counter: audit records whose commit failed (their requests were refused with 503). */
  public static final String AUDIT_FAILED_RECORDS = "rekey.audit.failed.records";
  /** Counter: requests refused at once because the audit queue was full or closed. */
  public static final String AUDIT_REJECTED = "rekey.audit.rejected";
  /** Counter: signed audit checkpoints stored. */
  public static final String AUDIT_CHECKPOINTS = "rekey.audit.checkpoints";
  /** Counter: checkpoints this node had stored and then found gone from the trail (tampering). */
  public static final String AUDIT_CHECKPOINTS_MISSING = "rekey.audit.checkpoints.missing";
  /** Gauge (records): submissions waiting for the audit writer. */
  public static final String AUDIT_QUEUE = "rekey.audit.queue";

  /** Seconds a stale consumer binding is past its update deadline (one series per stale binding). */
  public static final String CONSUMER_STALE = "rekey.consumer.binding.stale";

  /** Label names of per-key gauges. */
  public static final String[] KEY_LABELS = {"namespace", "key"};
  public static final String[] BINDING_LABELS = {"namespace", "consumer", "key"};
  /** Label names of per-campaign gauges. */
  public static final String[] CAMPAIGN_LABELS = {"campaign", "namespace", "key"};
}
