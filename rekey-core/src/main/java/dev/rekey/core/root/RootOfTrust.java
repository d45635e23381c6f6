package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.service.StoreReadGuard;
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
  private final KeyringSealing sealing;
  /** This node's copy of the stored keyring; also the monitor every state change holds. */
  private final HeldKeyring held;
  private final Object lock;
  private final RootKeyRotator rotator;
  private final UnreadableStoredKeyring unreadable = new UnreadableStoredKeyring();

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
    this.sealing = new KeyringSealing(system, seal);
    this.held = new HeldKeyring(new LiveGenerations(system, transactions), sealing, new StaleKeyringReads(this)::holding);
    this.lock = held;
    this.rotator = new RootKeyRotator(this, held, system, transactions, clock);
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
    return init(() -> { });
  }

  /**
   * As {@link #init()}, running {@code alsoStore} (issuing the root token, say) in the transaction
   * that stores the keyring: if it fails, nothing is stored and the server stays uninitialized.
   */
  public List<String> init(Runnable alsoStore) {
    if (seal instanceof ShamirSeal) {
      refuseIfInitialized(); // the state first: a second init is a conflict whatever it asks for
      throw RekeyException.invalid("the shamir seal needs the number of shares and the threshold");
    }
    synchronized (lock) {
      RootKeyring fresh = RootKeyring.generate(clock.instant());
      store(fresh, 0, 0, alsoStore);
      held.install(held.record, held.recordBytes, fresh);
      return List.of();
    }
  }

  /**
   * Initializes with the Shamir seal: a new seal key split into {@code shares} shares, any
   * {@code threshold} of which unseal. Returns the shares (shown once); the server stays sealed.
   * Throws INVALID_REQUEST for bad numbers and ALREADY_INITIALIZED when a keyring is stored.
   */
  public List<String> init(int shares, int threshold) {
    return init(shares, threshold, () -> { });
  }

  /** As {@link #init(int, int)}, running {@code alsoStore} in the transaction that stores the keyring. */
  public List<String> init(int shares, int threshold, Runnable alsoStore) {
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
        store(RootKeyring.generate(clock.instant()), shares, threshold, alsoStore);
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

  private void store(RootKeyring fresh, int shares, int threshold, Runnable alsoStore) {
    if (loadRecord() != null) {
      throw alreadyInitialized();
    }
    KeyringRecord rec = new KeyringRecord(seal.type(), shares, threshold, sealing.seal(fresh));
    byte[] bytes = rec.encode();
    // one transaction: a keyring stored without what init also stores (the root token) would leave
    // a server initialized that nobody can use and that refuses to be initialized again
    boolean stored = transactions.inTransaction(() -> {
      if (!system.putIfAbsent(KEYRING_NAME, bytes)) {
        return false;
      }
      system.putIfAbsent(SEAL_CONFIG_NAME, rec.configText());
      alsoStore.run();
      return true;
    });
    if (!stored) {
      held.record = null;
      loadRecord();
      throw alreadyInitialized();
    }
    held.record = rec;
    held.recordBytes = bytes;
  }

  /** Opens the keyring with a file or PKCS#11 seal (at start). Idempotent. */
  public void autoUnseal() {
    synchronized (lock) {
      KeyringRecord rec = requireRecord();
      if (!seal.autoUnseals()) {
        throw RekeyException.illegalState("the " + seal.type() + " seal needs unseal shares; submit them with"
            + " 'rekey operator unseal'");
      }
      if (held.keyring == null) {
        held.install(rec, held.recordBytes, sealing.open(rec));
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
        if (held.keyring == null) {
          // Sealed by an operator: the API (open to anyone) must not undo that emergency brake.
          throw RekeyException.illegalState("the " + seal.type() + " seal opens the keyring when the server starts;"
              + " after 'rekey operator seal', restart the server to unseal it");
        }
        throw RekeyException.invalid("the " + seal.type() + " seal unseals automatically; it takes no shares");
      }
      if (held.keyring == null) {
        shamir.submit(share);
        if (shamir.ready()) {
          try {
            held.install(rec, held.recordBytes, sealing.open(rec));
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
      held.keyring = null;
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
    RootKeyring k = held.keyring;
    int progress = seal instanceof ShamirSeal s && k == null ? s.progress() : 0;
    if (rec == null) {
      return new RootStatus(false, true, seal.type(), 0, 0, progress, false);
    }
    return new RootStatus(true, k == null, rec.sealType(), rec.shares(), rec.threshold(), progress,
        k != null && k.generationIds().size() > 1);
  }

  /** The current keyring. Throws SEALED, or NOT_INITIALIZED when nothing was ever initialized. */
  public RootKeyring keyring() {
    RootKeyring k = held.keyring;
    if (k != null) {
      return k;
    }
    synchronized (lock) {
      if (held.keyring != null) {
        return held.keyring;
      }
      requireRecord();
      throw RekeyException.sealed();
    }
  }

  /**
   * Re-reads the stored keyring when unsealed (another node may have rotated the root key) and
   * returns whether it changed. Throws SEALED when sealed, and when what is stored cannot be read
   * (the keyring held stays: see {@link UnreadableStoredKeyring}).
   */
  public boolean refresh() {
    // The store read is made outside the monitor: status() (health and seal status, answered on an
    // event loop) never waits for a slow store through it. What was read is installed only when
    // nothing else was installed meanwhile (a read that may be older); else it is read again.
    for (int attempt = 0; attempt < REFRESH_ATTEMPTS; attempt++) {
      byte[] before;
      synchronized (lock) {
        keyring();
        before = held.recordBytes;
      }
      Optional<byte[]> stored = system.get(KEYRING_NAME);
      synchronized (lock) {
        keyring();
        if (held.recordBytes == before) {
          return installIfChanged(stored);
        }
      }
    }
    synchronized (lock) {
      keyring();
      return installIfChanged(system.get(KEYRING_NAME));
    }
  }

  private static final int REFRESH_ATTEMPTS = 3;

  private boolean installIfChanged(Optional<byte[]> stored) {
    if (stored.isEmpty() || Arrays.equals(stored.get(), held.recordBytes)) {
      return false;
    }
    installStored(stored.get());
    return true;
  }

  private volatile StoreReadGuard storeReads = new StoreReadGuard();

  /**
   * Who refuses re-reads of the stored keyring for material under a generation this node lacks
   * ({@link StaleKeyringReads}) on threads that must not wait (an event loop), as the node caches'.
   */
  public void guardStoreReads(StoreReadGuard guard) {
    this.storeReads = java.util.Objects.requireNonNull(guard, "guard");
  }

  StoreReadGuard storeReads() {
    return storeReads;
  }

  /** Whether this node holds an opened keyring (unsealed); no store read. */
  boolean holdsKeyring() {
    return held.keyring != null;
  }

  /** Opens the keyring stored as {@code stored} and makes it this node's; if it cannot, SEALED and nothing changes. */
  private void installStored(byte[] stored) {
    KeyringRecord rec;
    RootKeyring opened;
    try {
      rec = KeyringRecord.decode(stored);
      opened = sealing.open(rec);
    } catch (RuntimeException e) {
      throw unreadable.refusal(stored, e);
    }
    held.install(rec, stored.clone(), opened);
  }

  /**
   * Inside the transaction of a write that stores material wrapped by {@code rootKeyId}, before it
   * commits: refuses it (CONCURRENT_MODIFICATION) when the stored keyring no longer holds that
   * generation, and keeps the generation from being dropped until the transaction ends. How, on
   * each kind of store: {@link LiveGenerations}.
   */
  @Override
  public void requireLive(String rootKeyId) {
    held.live.require(this, rootKeyId);
  }

  /** Makes the keyring stored as {@code stored} this node's one; SEALED when sealed. */
  LiveGenerations.Live adopt(byte[] stored) {
    synchronized (lock) {
      LiveGenerations.Live l = held.live.current();
      if (l != null && Arrays.equals(stored, l.bytes())) {
        return l;
      }
      keyring();
      installStored(stored);
      return held.live.current();
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
    if (held.record != null) {
      return held.record;
    }
    Optional<byte[]> stored = system.get(KEYRING_NAME);
    if (stored.isEmpty()) {
      return null;
    }
    KeyringRecord rec;
    try {
      rec = sealing.checked(stored.get());
    } catch (IllegalStateException e) { // does not decode
      throw unreadable.refusal(stored.get(), e);
    }
    held.record = rec;
    held.recordBytes = stored.get();
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
    RootKeyring k = held.keyring;
    return "RootOfTrust[seal=" + seal.type() + ", " + (k == null ? "sealed" : "unsealed") + "]";
  }
}
