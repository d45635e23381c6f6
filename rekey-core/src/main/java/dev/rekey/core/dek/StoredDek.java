package dev.rekey.core.dek;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a tenant's data key as stored: its identity, the KEK version that wraps it, and
 * the wrapped bytes ({@code nonce || ciphertext || tag}, never the plaintext). {@code rowVersion}
 * grows with every re-wrap of the row, so concurrent writers cannot overwrite each other;
 * {@code rewrapCampaign} names the campaign that last re-wrapped it (null when none did).
 *
 * @param id the storage id (keyset paging order); 0 before the row is stored
 */
public record StoredDek(long id, String namespace, String kek, String tenant, int version, int kekVersion,
    byte[] wrapped, Instant createdAt, long rowVersion, Long rewrapCampaign) {

  public StoredDek {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kek, "kek");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(wrapped, "wrapped");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public String toString() {
    return "StoredDek[" + namespace + "/" + kek + "/" + tenant + " v" + version + ", kek v" + kekVersion
        + ", row " + id + "]";
  }
}
