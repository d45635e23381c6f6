package dev.rekey.api;

/**
 * {@code POST /v1/keys/{name}/sign}: either the {@code message} (base64) or a pre-hashed
 * {@code digest} (base64 of a SHA-256/384/512 digest matching the key; not for ed25519). Redacts
 * both.
 */
public record SignRequest(String message, String digest) {
  public static SignRequest ofMessage(String message) {
    return new SignRequest(message, null);
  }

  public static SignRequest ofDigest(String digest) {
    return new SignRequest(null, digest);
  }

  @Override
  public String toString() {
    return "SignRequest[message=" + (message == null ? "null" : "redacted")
        + ", digest=" + (digest == null ? "null" : "redacted") + "]";
  }
}
