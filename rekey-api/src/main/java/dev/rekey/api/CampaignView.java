package dev.rekey.api;

/**
 * A re-wrap campaign and its progress. {@code remaining} counts what is left to re-wrap forward
 * (while cancelling: left to roll back); {@code rate} is data keys per second while running.
 */
public record CampaignView(long id, String namespace, String key, int fromVersion, int toVersion, String state,
    String origin, long total, long done, long remaining, long rolledBack, double rate, int batchSize, long delayMs,
    String createdAt, String updatedAt, String finishedAt, String leaseOwner, String message) {}
