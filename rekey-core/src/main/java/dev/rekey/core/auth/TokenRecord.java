package dev.rekey.core.auth;

import java.time.Instant;
import java.util.List;

/**
 * A stored token. Only the SHA-256 hash of the token is kept ({@code hash}, hex); {@code id} is a
 * public accessor that can be shown, audited and used to revoke.
 */
public record TokenRecord(
    String id,
    String hash,
    String principal,
    List<Grant> grants,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    String createdBy) {

  public TokenRecord {
    grants = List.copyOf(grants);
  }

  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
