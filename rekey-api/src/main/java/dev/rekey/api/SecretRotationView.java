package dev.rekey.api;

/**
 * One run of the secret rotation protocol. {@code status}: {@code running}, {@code succeeded},
 * {@code abandoned}; {@code step}: the next step to run (create, set, test, finish) or the last one.
 */
public record SecretRotationView(String id, String secret, String rotator, String trigger, String status, String step,
    Integer pendingVersion, int failures, String nextAttemptAt, String lastError, String startedAt, String updatedAt,
    String finishedAt) {}
