package dev.rekey.api;

/** A JWT signed by the primary version, with its {@code kid} ({@code <name>-v<version>}). Redacts the token. */
public record JwtIssueResponse(String jwt, String kid, int version) {
  @Override
  public String toString() {
    return "JwtIssueResponse[jwt=redacted, kid=" + kid + ", version=" + version + "]";
  }
}
