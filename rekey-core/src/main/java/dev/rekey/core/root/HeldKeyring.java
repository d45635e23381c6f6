package dev.rekey.core.root;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One node's copy of the stored root keyring: the record it read or wrote last and its stored
 * bytes, the opened keyring (null while sealed) and the generations writes may store material
 * under ({@link LiveGenerations}). This object is the {@link RootOfTrust} monitor: every change
 * holds it, and no lock of the store is awaited while holding it. {@link #keyring} is volatile, so
 * reading it needs no lock.
 */
final class HeldKeyring {
  final LiveGenerations live;
  private final KeyringSealing sealing;
  private final Function<String, RootKeyring> newest;
  volatile RootKeyring keyring;
  KeyringRecord record;
  byte[] recordBytes;

  /** {@code newest}: the node's keyring after re-reading the stored one for a generation it lacks (or null). */
  HeldKeyring(LiveGenerations live, KeyringSealing sealing, Function<String, RootKeyring> newest) {
    this.live = live;
    this.sealing = sealing;
    this.newest = newest;
  }

  /** Makes {@code k}, stored as {@code bytes}, this node's keyring. */
  synchronized void install(KeyringRecord rec, byte[] bytes, RootKeyring k) {
    record = rec;
    recordBytes = bytes;
    // first: material is wrapped under a new generation only once keyring() returns it
    live.set(bytes, k.generationIds());
    keyring = k.refreshingFrom(newest);
  }

  /** {@code next}, sealed, ready to replace the stored keyring; null when this node's keyring is no longer {@code expected}. */
  synchronized RootKeyRotator.Replacement replacement(RootKeyring expected, RootKeyring next) {
    if (keyring != expected) {
      return null;
    }
    KeyringRecord rec = new KeyringRecord(record.sealType(), record.shares(), record.threshold(), sealing.seal(next));
    return new RootKeyRotator.Replacement(recordBytes, rec, rec.encode());
  }

  /** After {@code r} was stored: makes it this node's keyring, unless a newer one was read meanwhile. */
  synchronized void installStored(RootKeyRotator.Replacement r, RootKeyring next) {
    if (Arrays.equals(recordBytes, r.expectedBytes()) || Arrays.equals(recordBytes, r.bytes())) {
      install(r.record(), r.bytes(), next);
    }
  }

  /** A drop of the old generations is about to commit: writes may store only under {@code currentId}. */
  synchronized void narrow(String currentId) {
    live.narrow(recordBytes, currentId);
  }
}
