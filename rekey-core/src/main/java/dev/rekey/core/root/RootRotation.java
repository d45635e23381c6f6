package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.key.RootWrapped;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.port.RootWrappedMaterial;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Steps 2 and 3 of a root key rotation, for a keyring whose current generation is already stored
 * (step 1): re-wrap every key version, secret version and system secret that an older generation
 * wraps, in batches, each object in its own optimistic update; then store the keyring without the old
 * generations, in a transaction that finds nothing left under them
 * ({@link RootKeyRotator#dropOldGenerations}). Every write leaves stored material unwrappable by the
 * stored keyring, so a crash anywhere is finished by running this again.
 */
final class RootRotation {
  static final int BATCH = 500;
  private static final int MAX_ATTEMPTS = 20;
  private static final int MAX_PASSES = 10;

  private final RootOfTrust root;
  private final RootKeyRotator rotator;
  private final List<MaterialRepository<?>> stores;
  private final SystemRepository system;
  private final List<RootWrappedMaterial> otherMaterial;
  private final Transactions transactions;

  RootRotation(RootOfTrust root, RootKeyRotator rotator, List<MaterialRepository<?>> stores, SystemRepository system,
      List<RootWrappedMaterial> otherMaterial, Transactions transactions) {
    this.root = root;
    this.rotator = rotator;
    this.transactions = transactions;
    this.stores = List.copyOf(stores);
    this.system = system;
    this.otherMaterial = otherMaterial;
  }

  /** Returns the number of objects (keys, secrets) re-wrapped; 0 when the keyring has a single generation. */
  int finish() {
    int count = 0;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      root.refresh(); // another node may have rotated meanwhile: work from the stored keyring
      RootKeyring installed = root.keyring();
      if (installed.generationIds().size() <= 1) {
        return count;
      }
      // This pass wraps under the keyring it started with, so it must not unwrap under a newer one
      // (which an installed keyring does for material it lacks a generation of): that material
      // belongs to a rotation another node made, and is left for it. Every write checks that the
      // pass's generation is still live (a concurrent drop refuses it).
      RootKeyring keyring = installed.pinned();
      String current = keyring.currentId();
      for (MaterialRepository<?> store : stores) {
        count += rewrapAll(store, keyring);
      }
      for (String name : SystemSecrets.names(system)) {
        whileLive(current, () -> SystemSecrets.rewrap(system, keyring, name));
      }
      for (RootWrappedMaterial m : otherMaterial) {
        whileLive(current, () -> m.rewrap(keyring));
      }
      // checked again inside the drop's transaction, which holds the stored keyring exclusively:
      // a write that stored material under an old generation since the re-wrap above is found there
      if (nothingLeft(keyring) && rotator.dropOldGenerations(installed, () -> nothingLeft(keyring))) {
        return count;
      }
    }
    throw RekeyException.concurrentModification("stored material kept changing during the root key rotation;"
        + " run the rotation again");
  }

  /** Runs {@code write} in a transaction that first checks that generation {@code rootKeyId} is still stored. */
  private <R> R whileLive(String rootKeyId, Supplier<R> write) {
    return transactions.inTransaction(() -> {
      root.requireLive(rootKeyId);
      return write.get();
    });
  }

  private boolean nothingLeft(RootKeyring keyring) {
    for (MaterialRepository<?> store : stores) {
      if (!store.findWrappedByOtherRoot(keyring.currentId(), 1).isEmpty()) {
        return false;
      }
    }
    for (RootWrappedMaterial m : otherMaterial) {
      if (m.wrappedByOther(keyring.currentId())) {
        return false;
      }
    }
    for (String name : SystemSecrets.names(system)) {
      Optional<String> id = SystemSecrets.rootKeyId(system, name);
      if (id.isPresent() && !id.get().equals(keyring.currentId())) {
        return false;
      }
    }
    return true;
  }

  private <T extends RootWrapped<T>> int rewrapAll(MaterialRepository<T> store, RootKeyring keyring) {
    int count = 0;
    while (true) {
      List<T> batch = store.findWrappedByOtherRoot(keyring.currentId(), BATCH);
      if (batch.isEmpty()) {
        return count;
      }
      int before = count;
      for (T object : batch) {
        if (whileLive(keyring.currentId(), () -> rewrapOne(store, object, keyring))) {
          count++;
        }
      }
      if (count == before) {
        // The store listed objects that need nothing: they were re-wrapped concurrently. Avoid spinning.
        return count;
      }
    }
  }

  /** Re-wraps one object, reloading it on CONCURRENT_MODIFICATION. Returns whether it wrote. */
  private static <T extends RootWrapped<T>> boolean rewrapOne(MaterialRepository<T> store, T object,
      RootKeyring keyring) {
    T current = object;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (current == null || !needsRewrap(current, keyring.currentId())) {
        return false;
      }
      T next = rewrap(current, keyring);
      try {
        store.update(next, current.revision());
        return true;
      } catch (RekeyException e) {
        if (e.code() != ErrorCode.CONCURRENT_MODIFICATION) {
          throw e;
        }
        current = store.find(current.namespace(), current.name()).orElse(null);
      }
    }
    throw RekeyException.concurrentModification(object.describe()
        + " kept changing during the root key rotation; run the rotation again");
  }

  private static boolean needsRewrap(RootWrapped<?> object, String currentId) {
    return object.lifecycleVersions().stream()
        .anyMatch(v -> v.material() != null && !v.material().rootKeyId().equals(currentId));
  }

  private static <T extends RootWrapped<T>> T rewrap(T object, RootKeyring keyring) {
    Map<WrappedKey, Integer> numbers = new IdentityHashMap<>();
    for (KeyVersion v : object.lifecycleVersions()) {
      if (v.material() != null) {
        numbers.put(v.material(), v.number());
      }
    }
    return object.rewrapMaterial(wrapped -> {
      if (wrapped.rootKeyId().equals(keyring.currentId())) {
        return wrapped;
      }
      Integer number = numbers.get(wrapped);
      if (number == null) {
        throw new IllegalStateException("rewrapMaterial passed material that is not a version's");
      }
      SecretBytes plain;
      try {
        plain = keyring.unwrap(wrapped, object.binding(number));
      } catch (RekeyException e) {
        throw new RekeyException(ErrorCode.INTERNAL, "root key rotation cannot unwrap " + object.describe()
            + " version " + number + " (wrapped by " + wrapped.rootKeyId()
            + "); the rotation stopped and nothing was lost", e);
      }
      try {
        return keyring.wrap(plain, object.binding(number));
      } finally {
        plain.destroy();
      }
    });
  }
}
