package dev.rekey.core.audit;

/**
 * Counters of an {@link AuditLog} since it started, for metrics. Each is monotonic except
 * {@code queueDepth}, a momentary reading.
 *
 * @param recordsWritten records made durable
 * @param batchesWritten successful {@code append} calls (durable commits)
 * @param failedBatches {@code append} calls that threw; their requests failed (fail-closed)
 * @param failedRecords submissions failed because their batch could not be written
 * @param rejected submissions refused at once (queue full or log closed)
 * @param checkpointsWritten signed checkpoints stored
 * @param checkpointFailures checkpoints that could not be stored (retried at the next trigger)
 * @param checkpointsMissing times a checkpoint this log had stored was found gone from the trail
 *     (or changed) when it went to store the next: tampering
 * @param queueDepth submissions waiting right now
 */
public record AuditLogStats(
    long recordsWritten,
    long batchesWritten,
    long failedBatches,
    long failedRecords,
    long rejected,
    long checkpointsWritten,
    long checkpointFailures,
    long checkpointsMissing,
    int queueDepth) {}
