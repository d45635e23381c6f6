package dev.rekey.core.auth;

import java.time.Instant;
import java.util.List;

/**
 * A stored token. Only the SHA-256 hash of the token is kept ({@code hash}, hex); {@code id} is a
 * public accessor that can be shown, audited and used to revoke. {@code createdBy} is the
 * principal that issued it and {@code createdByToken} the id of the token it used (null for root
 * tokens and for tokens issued before ids were recorded): the chain two-person approval checks.
 */
public record TokenRecord(
    String id,
    String hash,
    String principal,
    List<Grant> grants,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    String createdBy,
    String createdByToken) {

  public TokenRecord {
    grants = List.copyOf(grants);
  }

  /** A token whose issuing token is not known (a root token, or one stored before ids were recorded). */
  public TokenRecord(String id, String hash, String principal, List<Grant> grants, Instant createdAt,
      Instant expiresAt, Instant revokedAt, String createdBy) {
    this(id, hash, principal, grants, createdAt, expiresAt, revokedAt, createdBy, null);
  }

  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
