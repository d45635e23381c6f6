package dev.rekey.api;

import java.util.Map;

/**
 * {@code POST /v1/keys/{name}/jwt}: the claims of the token (a JSON object; {@code iat} and
 * {@code exp} are set by Rekey) and an optional ISO-8601 {@code ttl} ({@code PT1H}) for
 * {@code exp}. Redacts the claims.
 */
public record JwtIssueRequest(Map<String, Object> claims, String ttl) {
  @Override
  public String toString() {
    return "JwtIssueRequest[claims=" + (claims == null ? "null" : "redacted") + ", ttl=" + ttl + "]";
  }
}
