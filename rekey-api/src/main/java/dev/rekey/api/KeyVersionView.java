package dev.rekey.api;

/**
 * One version of a key. {@code state} is the lower-case lifecycle state ({@code pending},
 * {@code primary}, {@code active}, {@code retired}, {@code disabled}, {@code revoked},
 * {@code destroy_scheduled}, {@code destroyed}); {@code destroyAfter} is null unless scheduled.
 */
public record KeyVersionView(
    int version, String state, String createdAt, String stateChangedAt, String destroyAfter) {}
