package dev.rekey.core.port;

import dev.rekey.core.root.RootKeyring;

/**
 * Material other than key versions and system secrets that is wrapped directly by the root keyring
 * (webhook signing secrets, ...). A root key rotation re-wraps it, and drops the old generations
 * only when none of it still needs them.
 */
public interface RootWrappedMaterial {
  /** Re-wraps everything an older generation wraps under the keyring's current one; returns how many. */
  int rewrap(RootKeyring keyring);

  /** Is anything still wrapped by a generation other than {@code currentRootKeyId}? */
  boolean wrappedByOther(String currentRootKeyId);
}
