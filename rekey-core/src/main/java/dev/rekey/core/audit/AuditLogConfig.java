package dev.rekey.core.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link AuditLog} writer, validated once.
 *
 * @param queueCapacity submissions waiting to be written; when full, {@code submit} fails at once
 * @param maxBatchSize events per {@code AuditRepository.append} call (one durable commit)
 * @param checkpointEveryRecords a signed checkpoint after this many records written by this log
 * @param checkpointInterval a signed checkpoint at least this often while there are unsigned records
 * @param closeTimeout how long {@code close()} waits for the writer to drain
 */
public record AuditLogConfig(
    int queueCapacity, int maxBatchSize, long checkpointEveryRecords, Duration checkpointInterval, Duration closeTimeout) {

  public static final AuditLogConfig DEFAULTS =
      new AuditLogConfig(65_536, 1_000, 1_000, Duration.ofSeconds(60), Duration.ofSeconds(30));

  public AuditLogConfig {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
    }
    if (checkpointEveryRecords < 1) {
      throw new IllegalArgumentException("checkpointEveryRecords must be at least 1, was " + checkpointEveryRecords);
    }
    Objects.requireNonNull(checkpointInterval, "checkpointInterval is required");
    Objects.requireNonNull(closeTimeout, "closeTimeout is required");
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval must be positive, was " + checkpointInterval);
    }
    if (closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
    }
  }

  public AuditLogConfig withQueueCapacity(int value) {
    return new AuditLogConfig(value, maxBatchSize, checkpointEveryRecords, checkpointInterval, closeTimeout);
  }

  public AuditLogConfig withMaxBatchSize(int value) {
    return new AuditLogConfig(queueCapacity, value, checkpointEveryRecords, checkpointInterval, closeTimeout);
  }

  public AuditLogConfig withCheckpointEveryRecords(long value) {
    return new AuditLogConfig(queueCapacity, maxBatchSize, value, checkpointInterval, closeTimeout);
  }

  public AuditLogConfig withCheckpointInterval(Duration value) {
    return new AuditLogConfig(queueCapacity, maxBatchSize, checkpointEveryRecords, value, closeTimeout);
  }

  public AuditLogConfig withCloseTimeout(Duration value) {
    return new AuditLogConfig(queueCapacity, maxBatchSize, checkpointEveryRecords, checkpointInterval, value);
  }
}
