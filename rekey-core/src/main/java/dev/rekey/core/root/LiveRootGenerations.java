package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.util.function.Supplier;

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

  /** How many times {@link #retrying} runs a write before its refusal is the answer. */
  int MAX_ATTEMPTS = 8;

  /**
   * Runs {@code attempt} again while it is refused with CONCURRENT_MODIFICATION, at most
   * {@link #MAX_ATTEMPTS} times in all; then the last refusal is thrown (409, nothing stored). Each
   * attempt must wrap its material under the keyring it reads then and store it in a transaction
   * that calls {@link #requireLive} before it stores: once a rotation dropped the generation, the
   * node reads the stored keyring, so a later attempt wraps under the current generation.
   */
  static <T> T retrying(Supplier<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (RekeyException e) {
        if (e.code() != ErrorCode.CONCURRENT_MODIFICATION || n >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
