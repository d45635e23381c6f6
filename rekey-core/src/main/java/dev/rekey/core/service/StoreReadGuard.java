package dev.rekey.core.service;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Which threads must not wait for the store (a server's event loops): the node caches and the
 * root of trust ask it before a store read and throw {@link NeedsStore} instead, so the caller
 * reruns its request where waiting is fine. One per node, shared by everything that reads.
 */
public final class StoreReadGuard {
  private volatile BooleanSupplier mustNotWait = () -> false;

  /** From now on a store read on a thread for which {@code mustNotWait} holds is refused. */
  public void refuseWhen(BooleanSupplier mustNotWait) {
    this.mustNotWait = Objects.requireNonNull(mustNotWait, "mustNotWait");
  }

  /** Throws {@link NeedsStore} (naming {@code what} was to be read) on a thread that must not wait. */
  public void check(String what) {
    if (mustNotWait.getAsBoolean()) {
      throw new NeedsStore(what);
    }
  }
}
