package dev.rekey.core.root;

import dev.rekey.core.RekeyException;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.port.RootWrappedMaterial;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The root key rotation of one server ({@link RootOfTrust#rotateRoot}): step 1 stores a keyring
 * with a new current generation ({@link #replaceKeyring}); after the propagation wait,
 * {@link RootRotation} re-wraps everything under it and drops the old generations
 * ({@link #dropOldGenerations}). One rotation at a time on a node. The keyring the node holds is
 * changed only through {@link HeldKeyring}, under its monitor; no lock of the store is awaited
 * while holding that monitor.
 */
final class RootKeyRotator {
  private final RootOfTrust root;
  private final HeldKeyring held;
  private final SystemRepository system;
  private final Transactions transactions;
  private final Clock clock;
  private final Object rotationLock = new Object();
  private final List<RootWrappedMaterial> otherMaterial = new CopyOnWriteArrayList<>();
  private volatile Duration propagationDelay = Duration.ZERO;

  RootKeyRotator(RootOfTrust root, HeldKeyring held, SystemRepository system, Transactions transactions,
      Clock clock) {
    this.root = root;
    this.held = held;
    this.system = system;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** See {@link RootOfTrust#propagationDelay}. */
  void propagationDelay(Duration delay) {
    this.propagationDelay = delay;
  }

  /** See {@link RootOfTrust#alsoRewrap}. */
  void alsoRewrap(RootWrappedMaterial material) {
    otherMaterial.add(material);
  }

  /** See {@link RootOfTrust#rotateRoot(List)}. */
  int rotate(List<MaterialRepository<?>> keys) {
    synchronized (rotationLock) {
      int count = resume(keys);
      RootKeyring current = root.keyring();
      if (!replaceKeyring(current, current.withNewGeneration(clock.instant()))) {
        throw RekeyException.concurrentModification("the root keyring changed during the rotation (another node"
            + " rotating?); run the rotation again");
      }
      waitForPropagation();
      return count + resume(keys);
    }
  }

  /** See {@link RootOfTrust#resumeRootRotation(List)}. */
  int resume(List<MaterialRepository<?>> keys) {
    synchronized (rotationLock) {
      return new RootRotation(root, this, keys, system, otherMaterial, transactions).finish();
    }
  }

  private void waitForPropagation() {
    long millis = propagationDelay.toMillis();
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RekeyException.illegalState("the root key rotation was interrupted; run it again to finish");
    }
  }

  /**
   * Stores {@code next} in place of {@code expected} (compare-and-set) and makes it current. For
   * adding a generation; dropping one is {@link #dropOldGenerations}.
   */
  boolean replaceKeyring(RootKeyring expected, RootKeyring next) {
    Replacement r = held.replacement(expected, next);
    if (r == null) {
      return false;
    }
    // outside the monitor: on PostgreSQL this waits for writes holding the keyring row (requireLive)
    if (!system.compareAndSet(RootOfTrust.KEYRING_NAME, r.expectedBytes(), r.bytes())) {
      root.refresh();
      return false;
    }
    held.installStored(r, next);
    return true;
  }

  /**
   * Stores {@code expected} without its old generations, in one transaction that first takes the
   * stored keyring exclusively and then finds {@code nothingLeft} (nothing stored under another
   * generation than the current one, read in that transaction). A write that share-locked the
   * keyring before ({@link RootOfTrust#requireLive}) has committed by then and is seen; one that
   * comes later waits and finds its generation gone. Returns false, dropping nothing, when
   * something is left or the keyring changed: re-wrap and call again.
   */
  boolean dropOldGenerations(RootKeyring expected, BooleanSupplier nothingLeft) {
    RootKeyring next = expected.withoutOldGenerations();
    Replacement r = held.replacement(expected, next);
    if (r == null) {
      return false;
    }
    // READ COMMITTED (the default): every statement after the lock sees what committed before it.
    boolean dropped = transactions.inTransaction(() -> {
      Optional<byte[]> stored = system.getExclusive(RootOfTrust.KEYRING_NAME);
      if (stored.isEmpty() || !Arrays.equals(stored.get(), r.expectedBytes()) || !nothingLeft.getAsBoolean()) {
        return false;
      }
      // Before the commit, under SQLite's write lock: writes after this one see only the current
      // generation. Kept if the drop does not commit: new material is wrapped under the current
      // generation anyway, so that only makes a late write under an old one wrap again.
      held.narrow(next.currentId());
      return system.compareAndSet(RootOfTrust.KEYRING_NAME, r.expectedBytes(), r.bytes());
    });
    if (!dropped) {
      root.refresh();
      return false;
    }
    held.installStored(r, next);
    return true;
  }

  /** A sealed keyring ready to replace the stored {@code expectedBytes}. */
  record Replacement(byte[] expectedBytes, KeyringRecord record, byte[] bytes) {
    @Override
    public String toString() {
      return "Replacement[" + record + "]";
    }
  }
}
