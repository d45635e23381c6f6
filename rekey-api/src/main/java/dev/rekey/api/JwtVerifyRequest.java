package dev.rekey.api;

/** {@code POST /v1/keys/{name}/jwt/verify}: the compact JWT. Redacts it. */
public record JwtVerifyRequest(String jwt) {
  @Override
  public String toString() {
    return "JwtVerifyRequest[jwt=" + (jwt == null ? "null" : "redacted") + "]";
  }
}
