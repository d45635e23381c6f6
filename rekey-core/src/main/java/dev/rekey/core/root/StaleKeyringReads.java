package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.util.concurrent.TimeUnit;

/**
 * What an installed {@link RootKeyring} asks when material names a generation it lacks: the node's
 * keyring after re-reading the stored one ({@link RootOfTrust#refresh}), since another node may
 * have rotated the root key. A generation that no stored keyring held is not re-read for again
 * within a second, so material wrapped under a generation that is gone for good (a foreign or
 * damaged row) costs one store read a second, not one per unwrap.
 */
final class StaleKeyringReads {
  private static final long MISS_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RootOfTrust root;
  private volatile Miss lastMiss;

  private record Miss(String generation, long at) {}

  StaleKeyringReads(RootOfTrust root) {
    this.root = root;
  }

  /**
   * The node's keyring after a re-read, or null (sealed, or {@code generation} was missed just now).
   * SEALED when the stored keyring cannot be read: whether it holds {@code generation} is unknown.
   */
  RootKeyring holding(String generation) {
    Miss miss = lastMiss;
    if (miss != null && miss.generation().equals(generation) && System.nanoTime() - miss.at() < MISS_NANOS) {
      return null;
    }
    root.storeReads().check("the root keyring"); // on an event loop: NeedsStore, the caller reruns elsewhere
    RootKeyring k;
    try {
      root.refresh();
      k = root.keyring();
    } catch (RekeyException e) {
      if (e.code() == ErrorCode.SEALED && !root.holdsKeyring()) {
        return null;
      }
      throw e; // the stored keyring cannot be read: the material may be under a generation it holds
    }
    if (!k.generationIds().contains(generation)) {
      lastMiss = new Miss(generation, System.nanoTime());
    }
    return k;
  }
}
