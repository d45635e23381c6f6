package dev.rekey.api;

import java.util.List;

/**
 * {@code POST /v1/keys/{name}/rewrap}: either a single {@code ciphertext} (+ optional
 * {@code context}), answered by {@link EncryptResponse}, or a {@code batch} of at most 1000 items,
 * answered by {@link BatchResponse} of {@link EncryptResult}. No plaintext crosses the wire.
 */
public record RewrapRequest(String ciphertext, String context, List<CiphertextItem> batch) {
  public static RewrapRequest single(String ciphertext, String context) {
    return new RewrapRequest(ciphertext, context, null);
  }

  public static RewrapRequest ofBatch(List<CiphertextItem> batch) {
    return new RewrapRequest(null, null, batch);
  }
}
