package dev.rekey.api;

/**
 * A new 256-bit data key: {@code ciphertext} is the key wrapped under {@code version};
 * {@code plaintext} (base64) is absent or null when {@code wrapped_only}. Redacts the plaintext.
 */
public record DatakeyResponse(String ciphertext, String plaintext, int version) {
  @Override
  public String toString() {
    return "DatakeyResponse[ciphertext=" + ciphertext + ", plaintext="
        + (plaintext == null ? "null" : "redacted") + ", version=" + version + "]";
  }
}
