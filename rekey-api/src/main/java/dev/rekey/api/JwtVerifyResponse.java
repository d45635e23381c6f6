package dev.rekey.api;

import java.util.Map;

/**
 * Whether the JWT is valid; an invalid token is {@code valid=false}, not an error. When valid,
 * {@code claims} holds the payload. {@code kid} and {@code version} are set when the token names a
 * version of the key. {@code reason} is null when valid, else one of the constants here.
 */
public record JwtVerifyResponse(boolean valid, String kid, Integer version, Map<String, Object> claims, String reason) {
  public static final String MALFORMED = "malformed";
  public static final String WRONG_KEY = "wrong_key";
  public static final String INVALID_SIGNATURE = "invalid_signature";
  public static final String REVOKED = "revoked";
  public static final String DISABLED = "disabled";
  public static final String DESTROYED = "destroyed";
  public static final String DESTROY_SCHEDULED = "destroy_scheduled";
  public static final String UNKNOWN_VERSION = "unknown_version";
  public static final String EXPIRED = "expired";
  public static final String NOT_YET_VALID = "not_yet_valid";

  @Override
  public String toString() {
    return "JwtVerifyResponse[valid=" + valid + ", kid=" + kid + ", version=" + version
        + ", claims=" + (claims == null ? "null" : "redacted") + ", reason=" + reason + "]";
  }
}
