package dev.rekey.api;

import java.util.List;

/**
 * {@code POST /v1/keys/{name}/encrypt}: either a single {@code plaintext} (+ optional
 * {@code context}), answered by {@link EncryptResponse}, or a {@code batch} of at most 1000 items,
 * answered by {@link BatchResponse} of {@link EncryptResult}. Redacts the plaintext.
 */
public record EncryptRequest(String plaintext, String context, List<EncryptItem> batch) {
  public static EncryptRequest single(String plaintext, String context) {
    return new EncryptRequest(plaintext, context, null);
  }

  public static EncryptRequest ofBatch(List<EncryptItem> batch) {
    return new EncryptRequest(null, null, batch);
  }

  @Override
  public String toString() {
    return "EncryptRequest[plaintext=" + (plaintext == null ? "null" : "redacted")
        + ", context=" + context + ", batch=" + (batch == null ? "null" : batch.size() + " items") + "]";
  }
}
