package dev.rekey.core.port;

/**
 * How many stored data keys still need a KEK's versions: lets key management refuse to retire,
 * disable, schedule for destruction or destroy a version that stored DEKs are still wrapped by, or to
 * move the minimum decryption version past it.
 */
@FunctionalInterface
public interface StoredDekVersions {
  /** Stored DEK versions of KEK {@code namespace/key} wrapped by versions from {@code from} to {@code toExclusive}. */
  long countWrapped(String namespace, String key, int from, int toExclusive);

  /** No stored DEKs at all. */
  StoredDekVersions NONE = (namespace, key, from, toExclusive) -> 0;
}
