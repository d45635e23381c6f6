package dev.rekey.core.root;

/**
 * What a write that stores root-wrapped material checks inside its own transaction, just before
 * it commits: that the generation wrapping the material is still in the stored keyring. Together
 * with the root key rotation dropping an old generation only in a transaction that holds the
 * stored keyring exclusively and finds nothing stored under that generation
 * ({@link RootOfTrust#requireLive}), no write can commit material that no generation opens.
 */
@FunctionalInterface
public interface LiveRootGenerations {
  /** No check: a store no root key rotation runs on concurrently (tests, tools). */
  LiveRootGenerations NONE = rootKeyId -> { };

  /**
   * Call inside the write's transaction, before the commit. Throws CONCURRENT_MODIFICATION (409)
   * when {@code rootKeyId} was dropped (the write must wrap again under the current generation
   * and retry); otherwise keeps the generation from being dropped until the transaction ends.
   */
  void requireLive(String rootKeyId);
}
