package dev.rekey.api;

/**
 * {@code POST /v1/keys/{name}/verify}: the {@code message} or a pre-hashed {@code digest} (base64,
 * one of the two) and the {@code signature} ({@code rekey:v<n>:...}). Redacts message and digest.
 */
public record VerifyRequest(String message, String digest, String signature) {
  public static VerifyRequest ofMessage(String message, String signature) {
    return new VerifyRequest(message, null, signature);
  }

  public static VerifyRequest ofDigest(String digest, String signature) {
    return new VerifyRequest(null, digest, signature);
  }

  @Override
  public String toString() {
    return "VerifyRequest[message=" + (message == null ? "null" : "redacted")
        + ", digest=" + (digest == null ? "null" : "redacted") + ", signature=" + signature + "]";
  }
}
