package dev.rekey.api;

import java.util.List;

/**
 * Token info. {@code token} (the secret) is non-null only in the 201 answer to create; other
 * answers omit it. {@code expiresAt} is null for tokens without expiry, {@code revokedAt} for
 * tokens not revoked. Times are ISO-8601. {@link #toString()} never prints the secret.
 */
public record TokenView(
    String token,
    String id,
    String principal,
    List<GrantView> grants,
    String createdAt,
    String expiresAt,
    String revokedAt) {

  /** A token that is not revoked. */
  public TokenView(String token, String id, String principal, List<GrantView> grants, String createdAt,
      String expiresAt) {
    this(token, id, principal, grants, createdAt, expiresAt, null);
  }

  @Override
  public String toString() {
    return "TokenView[token=" + (token == null ? "null" : "redacted") + ", id=" + id
        + ", principal=" + principal + ", grants=" + grants + ", createdAt=" + createdAt
        + ", expiresAt=" + expiresAt + (revokedAt == null ? "" : ", revokedAt=" + revokedAt) + "]";
  }
}
