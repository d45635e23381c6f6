package dev.rekey.core.service;

/**
 * Thrown by a node cache asked to read the store on a thread that must not wait for it (an event
 * loop; see {@link StoreReadGuard}): nothing was read or changed, and the caller
 * runs the same request again where waiting is fine. Not an error a client ever sees.
 */
public final class NeedsStore extends RuntimeException {
  public NeedsStore(String what) {
    super("reading " + what + " from the store is not allowed on this thread", null, false, false);
  }
}
