package dev.rekey.core.key;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A versioned object whose version material the root keyring wraps (keys, secrets): what root key
 * rotation needs to re-wrap it under a new root generation.
 */
public interface RootWrapped<T extends RootWrapped<T>> {
  String namespace();

  String name();

  long revision();

  /** The versions' lifecycle and wrapped material. */
  List<KeyVersion> lifecycleVersions();

  /** This object with every version's material replaced by {@code rewrap} of it (revision + 1). */
  T rewrapMaterial(UnaryOperator<WrappedKey> rewrap);

  /** The associated data that binds version {@code number}'s material to this object. */
  byte[] binding(int number);

  /** What it is, for messages: {@code key 'ns/name'}. */
  String describe();
}
