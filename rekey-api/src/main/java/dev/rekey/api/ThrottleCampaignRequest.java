package dev.rekey.api;

/**
 * {@code PATCH /v1/rewrap-campaigns/{id}}: every field optional. Give either {@code delayMs}
 * (pause between batches) or {@code batchesPerSecond} (converted to a delay), not both.
 */
public record ThrottleCampaignRequest(Integer batchSize, Long delayMs, Number batchesPerSecond) {}
