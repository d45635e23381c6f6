package dev.rekey.api;

/**
 * One item of a decrypt batch answer: either {@code plaintext} (base64) and {@code version}, or
 * {@code error} (the other fields null). Items are in request order. Redacts the plaintext.
 */
public record DecryptResult(String plaintext, Integer version, ErrorDetail error) {
  @Override
  public String toString() {
    return "DecryptResult[plaintext=" + (plaintext == null ? "null" : "redacted")
        + ", version=" + version + ", error=" + error + "]";
  }
}
