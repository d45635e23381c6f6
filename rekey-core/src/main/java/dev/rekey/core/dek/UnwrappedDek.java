package dev.rekey.core.dek;

import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;

/**
 * A data key in the clear with the metadata of its stored version. The key bytes are only
 * reachable through {@link #key()} and a {@link SecretAccess}; {@code toString} shows metadata only.
 */
public final class UnwrappedDek {
  private final StoredDek stored;
  private final SecretBytes key;

  UnwrappedDek(StoredDek stored, SecretBytes key) {
    this.stored = stored;
    this.key = key;
  }

  /** The stored version (identity, KEK version), never containing the plaintext. */
  public StoredDek stored() {
    return stored;
  }

  public SecretBytes key() {
    return key;
  }

  /** Overwrites the plaintext held here. */
  public void destroy() {
    key.destroy();
  }

  @Override
  public String toString() {
    return "UnwrappedDek[" + stored + ", redacted]";
  }
}
