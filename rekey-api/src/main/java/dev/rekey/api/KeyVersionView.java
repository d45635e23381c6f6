package dev.rekey.api;

/**
 * One version of a key. {@code state} is the lower-case lifecycle state ({@code pending},
 * {@code primary}, {@code active}, {@code retired}, {@code disabled}, {@code revoked},
 * {@code destroy_scheduled}, {@code destroyed}); {@code destroyAfter} is null unless scheduled.
 * {@code usage} is present when the key is read ({@code GET /v1/keys/{name}}), null elsewhere.
 */
public record KeyVersionView(
    int version, String state, String createdAt, String stateChangedAt, String destroyAfter,
    KeyVersionUsage usage) {

  /** Without usage. */
  public KeyVersionView(int version, String state, String createdAt, String stateChangedAt, String destroyAfter) {
    this(version, state, createdAt, stateChangedAt, destroyAfter, null);
  }
}
