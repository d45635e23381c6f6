package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.RootWrappedMaterial;
import dev.rekey.core.port.SystemRepository;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Steps 2 and 3 of a root key rotation, for a keyring whose current generation is already stored
 * (step 1): re-wrap every key version and system secret that an older generation wraps, in
 * batches, each key in its own optimistic update; then store the keyring without the old
 * generations. Every write leaves stored material unwrappable by the stored keyring, so a crash
 * anywhere is finished by running this again.
 */
final class RootRotation {
  static final int BATCH = 500;
  private static final int MAX_ATTEMPTS = 20;
  private static final int MAX_PASSES = 10;

  private final RootOfTrust root;
  private final KeyRepository keys;
  private final SystemRepository system;
  private final List<RootWrappedMaterial> otherMaterial;

  RootRotation(RootOfTrust root, KeyRepository keys, SystemRepository system, List<RootWrappedMaterial> otherMaterial) {
    this.root = root;
    this.keys = keys;
    this.system = system;
    this.otherMaterial = otherMaterial;
  }

  /** Returns the number of keys re-wrapped; 0 when the keyring has a single generation. */
  int finish() {
    int count = 0;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      RootKeyring keyring = root.keyring();
      if (keyring.generationIds().size() <= 1) {
        return count;
      }
      count += rewrapKeys(keyring);
      for (String name : SystemSecrets.names(system)) {
        SystemSecrets.rewrap(system, keyring, name);
      }
      for (RootWrappedMaterial m : otherMaterial) {
        m.rewrap(keyring);
      }
      if (nothingLeft(keyring) && root.replaceKeyring(keyring, keyring.withoutOldGenerations())) {
        return count;
      }
    }
    throw RekeyException.concurrentModification("stored material kept changing during the root key rotation;"
        + " run the rotation again");
  }

  private boolean nothingLeft(RootKeyring keyring) {
    if (!keys.findWrappedByOtherRoot(keyring.currentId(), 1).isEmpty()) {
      return false;
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

  private int rewrapKeys(RootKeyring keyring) {
    int count = 0;
    while (true) {
      List<Key> batch = keys.findWrappedByOtherRoot(keyring.currentId(), BATCH);
      if (batch.isEmpty()) {
        return count;
      }
      int before = count;
      for (Key key : batch) {
        if (rewrapOne(key, keyring)) {
          count++;
        }
      }
      if (count == before) {
        // The store listed keys that need nothing: they were re-wrapped concurrently. Avoid spinning.
        return count;
      }
    }
  }

  /** Re-wraps one key, reloading it on CONCURRENT_MODIFICATION. Returns whether it wrote. */
  private boolean rewrapOne(Key key, RootKeyring keyring) {
    Key current = key;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (current == null || !needsRewrap(current, keyring.currentId())) {
        return false;
      }
      Key next = rewrap(current, keyring);
      try {
        keys.update(next, current.revision());
        return true;
      } catch (RekeyException e) {
        if (e.code() != ErrorCode.CONCURRENT_MODIFICATION) {
          throw e;
        }
        current = keys.find(current.namespace(), current.name()).orElse(null);
      }
    }
    throw RekeyException.concurrentModification("key '" + key.namespace() + "/" + key.name()
        + "' kept changing during the root key rotation; run the rotation again");
  }

  private static boolean needsRewrap(Key key, String currentId) {
    return key.versions().stream()
        .anyMatch(v -> v.material() != null && !v.material().rootKeyId().equals(currentId));
  }

  private static Key rewrap(Key key, RootKeyring keyring) {
    Map<WrappedKey, Integer> numbers = new IdentityHashMap<>();
    for (KeyVersion v : key.versions()) {
      if (v.material() != null) {
        numbers.put(v.material(), v.number());
      }
    }
    return key.rewrapMaterial(wrapped -> {
      if (wrapped.rootKeyId().equals(keyring.currentId())) {
        return wrapped;
      }
      Integer number = numbers.get(wrapped);
      if (number == null) {
        throw new IllegalStateException("Key.rewrapMaterial passed material that is not a version's");
      }
      byte[] binding = MaterialBinding.keyVersion(key.namespace(), key.name(), number);
      SecretBytes plain;
      try {
        plain = keyring.unwrap(wrapped, binding);
      } catch (RekeyException e) {
        throw new RekeyException(ErrorCode.INTERNAL, "root key rotation cannot unwrap key '" + key.namespace()
            + "/" + key.name() + "' version " + number + " (wrapped by " + wrapped.rootKeyId()
            + "); the rotation stopped and nothing was lost", e);
      }
      try {
        return keyring.wrap(plain, binding);
      } finally {
        plain.destroy();
      }
    });
  }
}
