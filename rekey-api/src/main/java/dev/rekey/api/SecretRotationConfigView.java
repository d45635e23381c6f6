package dev.rekey.api;

import java.util.Map;

/**
 * How a secret rotates ({@code PUT /v1/secrets/{name}/rotation}): the rotator ({@code generated},
 * {@code dual-key}, {@code webhook-hmac}, {@code postgresql}), its parameters (never secret values),
 * an optional {@code period} and {@code rotateBeforeExpiry} (ISO-8601 durations). {@code nextDueAt}
 * is computed by the server.
 */
public record SecretRotationConfigView(String rotator, Map<String, String> params, String period,
    String rotateBeforeExpiry, String nextDueAt) {}
