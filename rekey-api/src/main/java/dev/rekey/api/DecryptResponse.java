package dev.rekey.api;

/** Answer to a single decrypt: the plaintext (base64) and the version that decrypted. Redacts the plaintext. */
public record DecryptResponse(String plaintext, int version) {
  @Override
  public String toString() {
    return "DecryptResponse[plaintext=redacted, version=" + version + "]";
  }
}
