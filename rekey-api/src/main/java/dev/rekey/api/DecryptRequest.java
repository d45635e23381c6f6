package dev.rekey.api;

import java.util.List;

/**
 * {@code POST /v1/keys/{name}/decrypt}: either a single {@code ciphertext} (+ optional
 * {@code context}), answered by {@link DecryptResponse}, or a {@code batch} of at most 1000 items,
 * answered by {@link BatchResponse} of {@link DecryptResult}.
 */
public record DecryptRequest(String ciphertext, String context, List<CiphertextItem> batch) {
  public static DecryptRequest single(String ciphertext, String context) {
    return new DecryptRequest(ciphertext, context, null);
  }

  public static DecryptRequest ofBatch(List<CiphertextItem> batch) {
    return new DecryptRequest(null, null, batch);
  }
}
