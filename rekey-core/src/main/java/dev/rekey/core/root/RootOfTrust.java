package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.port.SystemRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The root of trust of one server: holds the root keyring in memory while unsealed and nothing
 * while sealed. States: <em>uninitialized</em> (no keyring stored), <em>sealed</em> (stored,
 * not in memory), <em>unsealed</em>. The keyring is stored under {@link #KEYRING_NAME} only
 * sealed by the configured {@link Seal}; the seal configuration (type, shares, threshold, never a
 * secret) is stored with it and, for readers, under {@link #SEAL_CONFIG_NAME}.
 *
 * <p>After {@link #init()} a file or PKCS#11 seal leaves the server unsealed; after
 * {@link #init(int, int)} a Shamir seal leaves it sealed: the key exists only in the returned
 * shares, and unsealing proves they work. Thread-safe: {@link #keyring()} is a volatile read;
 * state changes are serialized.
 */
public final class RootOfTrust {
  public static final String KEYRING_NAME = "root-keyring";
  public static final String SEAL_CONFIG_NAME = "root-seal-config";

  private final SystemRepository system;
  private final Seal seal;
  private final Clock clock;
  private final Object lock = new Object();
  private final Object rotationLock = new Object();
  private volatile RootKeyring keyring;
  private volatile java.time.Duration propagationDelay = java.time.Duration.ZERO;
  private final java.util.List<dev.rekey.core.port.RootWrappedMaterial> otherMaterial =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private KeyringRecord record;
  private byte[] recordBytes;

  /** Touches neither the store nor the seal; the first operation does. */
  public RootOfTrust(SystemRepository system, Seal seal, Clock clock) {
    this.system = system;
    this.seal = seal;
    this.clock = clock;
  }

  /** Development mode: a {@link FileSeal} on {@code keyFile}, initialized and unsealed if needed. */
  public static RootOfTrust dev(SystemRepository system, Path keyFile, Clock clock) {
    RootOfTrust root = new RootOfTrust(system, FileSeal.open(keyFile), clock);
    if (!root.status().initialized()) {
      try {
        root.init();
      } catch (RekeyException e) {
        if (e.code() != ErrorCode.ALREADY_INITIALIZED) {
          throw e;
        }
      }
    }
    root.autoUnseal();
    return root;
  }

  /** Initializes with a file or PKCS#11 seal; the server is unsealed afterwards. Returns no shares. */
  public List<String> init() {
    if (seal instanceof ShamirSeal) {
      refuseIfInitialized(); // the state first: a second init is a conflict whatever it asks for
      throw RekeyException.invalid("the shamir seal needs the number of shares and the threshold");
    }
    synchronized (lock) {
      RootKeyring fresh = RootKeyring.generate(clock.instant());
      store(fresh, 0, 0);
      keyring = fresh;
      return List.of();
    }
  }

  /**
   * Initializes with the Shamir seal: a new seal key split into {@code shares} shares, any
   * {@code threshold} of which unseal. Returns the shares (shown once); the server stays sealed.
   * Throws INVALID_REQUEST for bad numbers and ALREADY_INITIALIZED when a keyring is stored.
   */
  public List<String> init(int shares, int threshold) {
    if (!(seal instanceof ShamirSeal shamir)) {
      refuseIfInitialized();
      throw RekeyException.invalid("shares and threshold apply only to the shamir seal; this server uses the "
          + seal.type() + " seal");
    }
    refuseIfInitialized(); // the state first: a second init is a conflict whatever it asks for
    ShamirSeal.validate(shares, threshold);
    synchronized (lock) {
      if (loadRecord() != null) {
        throw alreadyInitialized();
      }
      List<String> out = shamir.init(shares, threshold);
      try {
        store(RootKeyring.generate(clock.instant()), shares, threshold);
      } finally {
        shamir.forget();
      }
      return out;
    }
  }

  /** ALREADY_INITIALIZED (409) once initialized: checked before anything an init request asks for. */
  public void refuseIfInitialized() {
    synchronized (lock) {
      if (loadRecord() != null) {
        throw alreadyInitialized();
      }
    }
  }

  private void store(RootKeyring fresh, int shares, int threshold) {
    if (loadRecord() != null) {
      throw alreadyInitialized();
    }
    KeyringRecord rec = new KeyringRecord(seal.type(), shares, threshold, sealKeyring(fresh));
    byte[] bytes = rec.encode();
    if (!system.putIfAbsent(KEYRING_NAME, bytes)) {
      record = null;
      loadRecord();
      throw alreadyInitialized();
    }
    system.putIfAbsent(SEAL_CONFIG_NAME, rec.configText());
    record = rec;
    recordBytes = bytes;
  }

  /** Opens the keyring with a file or PKCS#11 seal (at start). Idempotent. */
  public void autoUnseal() {
    synchronized (lock) {
      KeyringRecord rec = requireRecord();
      if (!seal.autoUnseals()) {
        throw RekeyException.illegalState("the " + seal.type() + " seal needs unseal shares; submit them with"
            + " 'rekey operator unseal'");
      }
      if (keyring == null) {
        keyring = openKeyring(rec);
      }
    }
  }

  /**
   * Submits one Shamir unseal share. When the threshold is reached the combined key opens the
   * keyring; when it cannot (a wrong share), progress is reset and INVALID_REQUEST says so.
   * Already unsealed: the share is ignored.
   */
  public RootStatus unseal(String share) {
    synchronized (lock) {
      KeyringRecord rec = requireRecord();
      if (!(seal instanceof ShamirSeal shamir)) {
        if (keyring == null) {
          // Sealed by an operator: the API (open to anyone) must not undo that emergency brake.
          throw RekeyException.illegalState("the " + seal.type() + " seal opens the keyring when the server starts;"
              + " after 'rekey operator seal', restart the server to unseal it");
        }
        throw RekeyException.invalid("the " + seal.type() + " seal unseals automatically; it takes no shares");
      }
      if (keyring == null) {
        shamir.submit(share);
        if (shamir.ready()) {
          try {
            keyring = openKeyring(rec);
          } catch (RekeyException e) {
            shamir.forget();
            if (e.code() != ErrorCode.DECRYPTION_FAILED) {
              throw e;
            }
            throw RekeyException.invalid("the submitted unseal shares do not open the root keyring: at least one"
                + " is wrong or belongs to another installation; unseal progress was reset, submit the shares"
                + " again");
          }
        }
      }
      return statusLocked();
    }
  }

  /** Discards the unseal shares submitted so far. */
  public RootStatus resetUnseal() {
    synchronized (lock) {
      if (seal instanceof ShamirSeal shamir) {
        shamir.reset();
      }
      return statusLocked();
    }
  }

  /** Drops the keyring (and a combined Shamir key) from memory. */
  public void seal() {
    synchronized (lock) {
      requireRecord();
      keyring = null;
      seal.forget();
    }
  }

  public RootStatus status() {
    synchronized (lock) {
      return statusLocked();
    }
  }

  private RootStatus statusLocked() {
    KeyringRecord rec = loadRecord();
    RootKeyring k = keyring;
    int progress = seal instanceof ShamirSeal s && k == null ? s.progress() : 0;
    if (rec == null) {
      return new RootStatus(false, true, seal.type(), 0, 0, progress, false);
    }
    return new RootStatus(true, k == null, rec.sealType(), rec.shares(), rec.threshold(), progress,
        k != null && k.generationIds().size() > 1);
  }

  /** The current keyring. Throws SEALED, or NOT_INITIALIZED when nothing was ever initialized. */
  public RootKeyring keyring() {
    RootKeyring k = keyring;
    if (k != null) {
      return k;
    }
    synchronized (lock) {
      if (keyring != null) {
        return keyring;
      }
      requireRecord();
      throw RekeyException.sealed();
    }
  }

  /**
   * Re-reads the stored keyring when unsealed (another node may have rotated the root key) and
   * returns whether it changed. Throws SEALED when sealed.
   */
  public boolean refresh() {
    synchronized (lock) {
      keyring();
      Optional<byte[]> stored = system.get(KEYRING_NAME);
      if (stored.isEmpty() || Arrays.equals(stored.get(), recordBytes)) {
        return false;
      }
      KeyringRecord rec = KeyringRecord.decode(stored.get());
      keyring = openKeyring(rec);
      record = rec;
      recordBytes = stored.get();
      return true;
    }
  }

  /**
   * How long other nodes may keep using a keyring they read before this one was stored. A
   * rotation waits this long after storing the new generation, so that no node can wrap new
   * material under a generation that the rotation is about to drop. Nodes bound this by calling
   * {@link #refresh()} at least this often. Zero for a single node.
   */
  public void propagationDelay(java.time.Duration delay) {
    this.propagationDelay = delay;
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
   * Rotates the root key: stores a keyring with a new current generation (and the old ones),
   * re-wraps every stored key version and system secret under it, then drops the old generations.
   * Finishes an interrupted rotation first. Crash-safe at every step: the stored keyring always
   * holds every generation that stored material needs; {@link #resumeRootRotation} finishes.
   * Returns the number of keys re-wrapped.
   */
  public int rotateRoot(KeyRepository keys) {
    return rotateRoot(List.of(keys));
  }

  /** As {@link #rotateRoot(KeyRepository)}, over every store of root-wrapped material (keys, secrets). */
  public int rotateRoot(List<MaterialRepository<?>> keys) {
    synchronized (rotationLock) {
      int count = resumeRootRotation(keys);
      RootKeyring current = keyring();
      if (!replaceKeyring(current, current.withNewGeneration(clock.instant()))) {
        throw RekeyException.concurrentModification("the root keyring changed during the rotation (another node"
            + " rotating?); run the rotation again");
      }
      waitForPropagation();
      return count + resumeRootRotation(keys);
    }
  }

  /**
   * Finishes an interrupted root key rotation (a stored keyring with more than one generation);
   * call it after unsealing when {@link RootStatus#rotationPending()}. Returns the number of keys
   * re-wrapped, 0 when nothing was pending.
   */
  public int resumeRootRotation(KeyRepository keys) {
    return resumeRootRotation(List.of(keys));
  }

  /** As {@link #resumeRootRotation(KeyRepository)}, over every store of root-wrapped material. */
  public int resumeRootRotation(List<MaterialRepository<?>> keys) {
    synchronized (rotationLock) {
      return new RootRotation(this, keys, system, otherMaterial).finish();
    }
  }

  /** Registers more root-wrapped material (webhook secrets, ...) for root key rotation to re-wrap. */
  public void alsoRewrap(dev.rekey.core.port.RootWrappedMaterial material) {
    otherMaterial.add(material);
  }

  /** Stores {@code next} in place of {@code expected} (compare-and-set) and makes it current. */
  boolean replaceKeyring(RootKeyring expected, RootKeyring next) {
    synchronized (lock) {
      if (keyring != expected) {
        return false;
      }
      KeyringRecord rec = new KeyringRecord(record.sealType(), record.shares(), record.threshold(),
          sealKeyring(next));
      byte[] bytes = rec.encode();
      if (!system.compareAndSet(KEYRING_NAME, recordBytes, bytes)) {
        refresh();
        return false;
      }
      record = rec;
      recordBytes = bytes;
      keyring = next;
      return true;
    }
  }

  private byte[] sealKeyring(RootKeyring k) {
    if (!seal.ready()) {
      throw RekeyException.sealed();
    }
    SecretBytes plain = k.serialize();
    try {
      return seal.seal(plain, MaterialBinding.keyring());
    } finally {
      plain.destroy();
    }
  }

  private RootKeyring openKeyring(KeyringRecord rec) {
    SecretBytes plain = seal.open(rec.sealed(), MaterialBinding.keyring());
    try {
      return RootKeyring.deserialize(plain);
    } finally {
      plain.destroy();
    }
  }

  private KeyringRecord requireRecord() {
    KeyringRecord rec = loadRecord();
    if (rec == null) {
      throw new RekeyException(ErrorCode.NOT_INITIALIZED, "Rekey is not initialized; run 'rekey operator init'");
    }
    return rec;
  }

  /** The stored record, cached once seen; null when uninitialized. Checks it matches the seal. */
  private KeyringRecord loadRecord() {
    if (record != null) {
      return record;
    }
    Optional<byte[]> stored = system.get(KEYRING_NAME);
    if (stored.isEmpty()) {
      return null;
    }
    KeyringRecord rec = KeyringRecord.decode(stored.get());
    if (!rec.sealType().equals(seal.type())) {
      throw RekeyException.illegalState("this installation was initialized with the " + rec.sealType()
          + " seal but the server is configured with the " + seal.type() + " seal; configure the "
          + rec.sealType() + " seal");
    }
    if (seal instanceof ShamirSeal shamir
        && (shamir.shares() != rec.shares() || shamir.threshold() != rec.threshold())) {
      shamir.configure(rec.shares(), rec.threshold());
    }
    if (system.get(SEAL_CONFIG_NAME).isEmpty()) {
      system.putIfAbsent(SEAL_CONFIG_NAME, rec.configText()); // a crash between the two writes of init
    }
    record = rec;
    recordBytes = stored.get();
    return rec;
  }

  private static RekeyException alreadyInitialized() {
    return new RekeyException(ErrorCode.ALREADY_INITIALIZED, "Rekey is already initialized");
  }

  public String sealType() {
    return seal.type();
  }

  @Override
  public String toString() {
    RootKeyring k = keyring;
    return "RootOfTrust[seal=" + seal.type() + ", " + (k == null ? "sealed" : "unsealed") + "]";
  }
}
