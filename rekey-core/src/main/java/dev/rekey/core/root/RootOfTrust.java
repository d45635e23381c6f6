package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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
 *
 * <p>Root key rotation never leaves stored material that no generation opens: every write of
 * root-wrapped material checks, inside its transaction, that its generation is still stored
 * ({@link #requireLive}, see {@link LiveGenerations}), and the rotation ({@link RootKeyRotator})
 * drops old generations only in a transaction that holds the stored keyring exclusively and finds
 * nothing stored under them. No lock of the store is ever awaited while holding this object's
 * monitor, so a write waiting for the keyring row can always take it.
 */
public final class RootOfTrust implements LiveRootGenerations {
  public static final String KEYRING_NAME = "root-keyring";
  public static final String SEAL_CONFIG_NAME = "root-seal-config";

  private final SystemRepository system;
  private final Transactions transactions;
  private final Seal seal;
  private final Clock clock;
  private final Object lock = new Object();
  private final RootKeyRotator rotator;
  private final LiveGenerations live;
  private volatile RootKeyring keyring;
  private KeyringRecord record;
  private byte[] recordBytes;

  /** Touches neither the store nor the seal; the first operation does. Without transactions: tests, tools. */
  public RootOfTrust(SystemRepository system, Seal seal, Clock clock) {
    this(system, Transactions.direct(), seal, clock);
  }

  /** {@code transactions}: those of the store {@code system} belongs to. */
  public RootOfTrust(SystemRepository system, Transactions transactions, Seal seal, Clock clock) {
    this.system = system;
    this.transactions = transactions;
    this.seal = seal;
    this.clock = clock;
    this.rotator = new RootKeyRotator(this, system, transactions, clock);
    this.live = new LiveGenerations(system, transactions);
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
      install(record, recordBytes, fresh);
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
        install(rec, recordBytes, openKeyring(rec));
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
            install(rec, recordBytes, openKeyring(rec));
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
      install(rec, stored.get(), openKeyring(rec));
      return true;
    }
  }

  /** Makes {@code k}, stored as {@code bytes}, this node's keyring. Holds {@link #lock}. */
  private void install(KeyringRecord rec, byte[] bytes, RootKeyring k) {
    record = rec;
    recordBytes = bytes;
    // first: material is wrapped under a new generation only once keyring() returns it
    live.set(bytes, k.generationIds());
    keyring = k;
  }

  /**
   * Inside the transaction of a write that stores material wrapped by {@code rootKeyId}, before it
   * commits: refuses it (CONCURRENT_MODIFICATION) when the stored keyring no longer holds that
   * generation, and keeps the generation from being dropped until the transaction ends. How, on
   * each kind of store: {@link LiveGenerations}.
   */
  @Override
  public void requireLive(String rootKeyId) {
    live.require(this, rootKeyId);
  }

  /** Makes the keyring stored as {@code stored} this node's one; SEALED when sealed. */
  LiveGenerations.Live adopt(byte[] stored) {
    synchronized (lock) {
      LiveGenerations.Live l = live.current();
      if (l != null && Arrays.equals(stored, l.bytes())) {
        return l;
      }
      keyring();
      KeyringRecord rec = KeyringRecord.decode(stored);
      install(rec, stored.clone(), openKeyring(rec));
      return live.current();
    }
  }

  /**
   * How long other nodes may keep using a keyring they read before this one was stored. A
   * rotation waits this long after storing the new generation before it re-wraps, so that other
   * nodes' writes are wrapped under the new generation by then and few of them have to be wrapped
   * again. Safety does not depend on it ({@link #requireLive}). Nodes bound this by calling
   * {@link #refresh()} at least this often. Zero for a single node.
   */
  public void propagationDelay(java.time.Duration delay) {
    rotator.propagationDelay(delay);
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
    return rotator.rotate(keys);
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
    return rotator.resume(keys);
  }

  /**
   * Loads the system secret {@code name} (see {@link SystemSecrets}), first storing one from
   * {@code generator} when there is none: wrapped under the current generation and stored in a
   * transaction that checks that generation is still stored ({@link #requireLive}), so a rotation
   * running meanwhile cannot drop it from under the new secret.
   */
  public SecretBytes loadOrCreateSystemSecret(String name, Supplier<SecretBytes> generator) {
    return SystemSecrets.loadOrCreate(this, system, transactions, name, generator);
  }

  /** Registers more root-wrapped material (webhook secrets, ...) for root key rotation to re-wrap. */
  public void alsoRewrap(dev.rekey.core.port.RootWrappedMaterial material) {
    rotator.alsoRewrap(material);
  }

  /** See {@link RootKeyRotator#replaceKeyring}. */
  boolean replaceKeyring(RootKeyring expected, RootKeyring next) {
    return rotator.replaceKeyring(expected, next);
  }

  /** {@code next}, sealed, ready to replace the stored keyring; null when this node's keyring is no longer {@code expected}. */
  RootKeyRotator.Replacement replacement(RootKeyring expected, RootKeyring next) {
    synchronized (lock) {
      if (keyring != expected) {
        return null;
      }
      KeyringRecord rec = new KeyringRecord(record.sealType(), record.shares(), record.threshold(),
          sealKeyring(next));
      return new RootKeyRotator.Replacement(recordBytes, rec, rec.encode());
    }
  }

  /** After {@code r} was stored: makes it this node's keyring, unless a newer one was read meanwhile. */
  void installStored(RootKeyRotator.Replacement r, RootKeyring next) {
    synchronized (lock) {
      if (Arrays.equals(recordBytes, r.expectedBytes()) || Arrays.equals(recordBytes, r.bytes())) {
        install(r.record(), r.bytes(), next);
      }
    }
  }

  /** A drop of the old generations is about to commit: writes may store only under {@code currentId}. */
  void narrow(String currentId) {
    synchronized (lock) {
      live.narrow(recordBytes, currentId);
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
      throw notInitialized();
    }
    return rec;
  }

  static RekeyException notInitialized() {
    return new RekeyException(ErrorCode.NOT_INITIALIZED, "Rekey is not initialized; run 'rekey operator init'");
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
