package dev.rekey.api;

/** One plaintext to encrypt (base64) with its optional context (base64). Redacts the plaintext. */
public record EncryptItem(String plaintext, String context) {
  @Override
  public String toString() {
    return "EncryptItem[plaintext=redacted, context=" + context + "]";
  }
}
