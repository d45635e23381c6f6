package dev.rekey.api;

/**
 * {@code POST /v1/rewrap-campaigns}: re-wrap the stored data keys of {@code key} to its primary.
 * {@code fromVersion} defaults to the oldest other version still wrapping data keys;
 * {@code batchSize} to the server's default (1,000); {@code delayMs} (pause between batches) to 0.
 */
public record StartCampaignRequest(String key, Integer fromVersion, Integer batchSize, Long delayMs) {}
