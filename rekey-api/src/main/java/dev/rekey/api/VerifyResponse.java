package dev.rekey.api;

/**
 * Whether the signature is valid; a bad signature is {@code valid=false}, not an error.
 * {@code version} is the signature's version when known; {@code reason} is null when valid, else
 * {@code invalid_signature}, {@code revoked}, {@code destroyed}, {@code disabled},
 * {@code destroy_scheduled} or {@code unknown_version}. A version once revoked always answers
 * {@code revoked}, also while scheduled for destruction and after.
 */
public record VerifyResponse(boolean valid, Integer version, String reason) {
  public static final String INVALID_SIGNATURE = "invalid_signature";
  public static final String REVOKED = "revoked";
  public static final String DESTROYED = "destroyed";
  public static final String DISABLED = "disabled";
  public static final String DESTROY_SCHEDULED = "destroy_scheduled";
  public static final String UNKNOWN_VERSION = "unknown_version";
}
