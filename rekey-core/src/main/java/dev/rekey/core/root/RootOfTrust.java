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
import java.util.Set;
import java.util.function.BooleanSupplier;

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
 * ({@link #requireLive}), and the rotation drops old generations only in a transaction that holds
 * the stored keyring exclusively and finds nothing stored under them ({@link #dropOldGenerations}).
 * No lock of the store is ever awaited while holding this object's monitor, so a write waiting
 * for the keyring row can always take it.
 */
public final class RootOfTrust implements LiveRootGenerations {
  public static final String KEYRING_NAME = "root-keyring";
  public static final String SEAL_CONFIG_NAME = "root-seal-config";

  private final SystemRepository system;
  private final Transactions transactions;
  private final Seal seal;
  private final Clock clock;
  private final Object lock = new Object();
  private final Object rotationLock = new Object();
  private volatile RootKeyring keyring;
  private volatile java.time.Duration propagationDelay = java.time.Duration.ZERO;
  private final java.util.List<dev.rekey.core.port.RootWrappedMaterial> otherMaterial =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The generations writes may store material under, from the stored keyring {@code bytes}. */
  private record Live(byte[] bytes, Set<String> ids) {
    @Override
    public String toString() {
      return "Live" + ids;
    }
  }

  /** Null until a keyring was opened; set before {@link #keyring}, narrowed by a drop before it commits. */
  private volatile Live live;
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
    live = new Live(bytes, Set.copyOf(k.generationIds()));
    keyring = k;
  }

  /**
   * Inside the transaction of a write that stores material wrapped by {@code rootKeyId}, before it
   * commits: refuses it (CONCURRENT_MODIFICATION, nothing of the write is stored once its
   * transaction rolls back) when the stored keyring no longer holds that generation, and keeps the
   * generation from being dropped until the transaction ends. A dropped generation is one the
   * rotation re-wrapped everything away from: material under it could never be opened again.
   *
   * <p>Several writers (PostgreSQL): reads the stored keyring with a shared lock. A drop takes it
   * exclusively ({@link #dropOldGenerations}), so either this write commits first and the drop,
   * looking afterwards, finds its material and does not drop; or the drop commits first and this
   * read returns the keyring without the generation. One writer (SQLite): no query. The write runs
   * under the process's only write lock, and only this node changes the stored keyring (the file
   * has one server); the generations held in memory are never more than the stored ones, because a
   * drop narrows them inside its own write transaction, before it commits. So the check in memory,
   * made under the write lock, is the check of the stored keyring, and costs a put nothing.
   */
  @Override
  public void requireLive(String rootKeyId) {
    Live l = live;
    if (!transactions.writersSerialized()) {
      byte[] stored = system.getShared(KEYRING_NAME).orElseThrow(RootOfTrust::notInitialized);
      if (l == null || !Arrays.equals(stored, l.bytes())) {
        l = adopt(stored); // another node rotated: open what is stored (as refresh() would)
      }
    } else if (l == null) {
      keyring(); // SEALED or NOT_INITIALIZED: nothing was wrapped by this node
      l = live;
    }
    if (!l.ids().contains(rootKeyId)) {
      throw RekeyException.concurrentModification("the root key was rotated while this write was under way and the"
          + " generation it was wrapped under is gone; nothing was stored, retry");
    }
  }

  /** Makes the keyring stored as {@code stored} this node's one; SEALED when sealed. */
  private Live adopt(byte[] stored) {
    synchronized (lock) {
      Live l = live;
      if (l != null && Arrays.equals(stored, l.bytes())) {
        return l;
      }
      keyring();
      KeyringRecord rec = KeyringRecord.decode(stored);
      install(rec, stored.clone(), openKeyring(rec));
      return live;
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

  /**
   * Loads the system secret {@code name} (see {@link SystemSecrets}), first storing one from
   * {@code generator} when there is none: wrapped under the current generation and stored in a
   * transaction that checks that generation is still stored ({@link #requireLive}), so a rotation
   * running meanwhile cannot drop it from under the new secret.
   */
  public SecretBytes loadOrCreateSystemSecret(String name, java.util.function.Supplier<SecretBytes> generator) {
    Optional<SecretBytes> existing = SystemSecrets.load(system, keyring(), name);
    if (existing.isPresent()) {
      return existing.get();
    }
    SecretBytes fresh = generator.get();
    try {
      for (int attempt = 1; ; attempt++) {
        RootKeyring k = keyring();
        try {
          transactions.inTransaction(() -> {
            requireLive(k.currentId());
            return SystemSecrets.store(system, k, name, fresh);
          });
          break;
        } catch (RekeyException e) {
          if (e.code() != ErrorCode.CONCURRENT_MODIFICATION || attempt >= 3) {
            throw e;
          }
        }
      }
    } finally {
      fresh.destroy();
    }
    return SystemSecrets.load(system, keyring(), name).orElseThrow(() ->
        new IllegalStateException("system secret '" + name + "' vanished after it was stored"));
  }

  /** Registers more root-wrapped material (webhook secrets, ...) for root key rotation to re-wrap. */
  public void alsoRewrap(dev.rekey.core.port.RootWrappedMaterial material) {
    otherMaterial.add(material);
  }

  /**
   * Stores {@code next} in place of {@code expected} (compare-and-set) and makes it current. For
   * adding a generation; dropping one is {@link #dropOldGenerations}.
   */
  boolean replaceKeyring(RootKeyring expected, RootKeyring next) {
    Replacement r = replacement(expected, next);
    if (r == null) {
      return false;
    }
    // outside the monitor: on PostgreSQL this waits for writes holding the keyring row (requireLive)
    if (!system.compareAndSet(KEYRING_NAME, r.expectedBytes(), r.bytes())) {
      refresh();
      return false;
    }
    installStored(r, next);
    return true;
  }

  /**
   * Stores {@code expected} without its old generations, in one transaction that first takes the
   * stored keyring exclusively and then finds {@code nothingLeft} (nothing stored under another
   * generation than the current one, read in that transaction). A write that share-locked the
   * keyring before ({@link #requireLive}) has committed by then and is seen; one that comes later
   * waits and finds its generation gone. Returns false, dropping nothing, when something is left
   * or the keyring changed: re-wrap and call again.
   */
  boolean dropOldGenerations(RootKeyring expected, BooleanSupplier nothingLeft) {
    RootKeyring next = expected.withoutOldGenerations();
    Replacement r = replacement(expected, next);
    if (r == null) {
      return false;
    }
    // READ COMMITTED (the default): every statement after the lock sees what committed before it.
    boolean dropped = transactions.inTransaction(() -> {
      Optional<byte[]> stored = system.getExclusive(KEYRING_NAME);
      if (stored.isEmpty() || !Arrays.equals(stored.get(), r.expectedBytes()) || !nothingLeft.getAsBoolean()) {
        return false;
      }
      // Before the commit, under SQLite's write lock: writes after this one see only the current
      // generation. Kept if the drop does not commit: new material is wrapped under the current
      // generation anyway, so that only makes a late write under an old one wrap again.
      narrow(next.currentId());
      return system.compareAndSet(KEYRING_NAME, r.expectedBytes(), r.bytes());
    });
    if (!dropped) {
      refresh();
      return false;
    }
    installStored(r, next);
    return true;
  }

  /** A sealed keyring ready to replace the stored {@code expectedBytes}. */
  private record Replacement(byte[] expectedBytes, KeyringRecord record, byte[] bytes) {
    @Override
    public String toString() {
      return "Replacement[" + record + "]";
    }
  }

  /** Null when this node's keyring is no longer {@code expected}. */
  private Replacement replacement(RootKeyring expected, RootKeyring next) {
    synchronized (lock) {
      if (keyring != expected) {
        return null;
      }
      KeyringRecord rec = new KeyringRecord(record.sealType(), record.shares(), record.threshold(),
          sealKeyring(next));
      return new Replacement(recordBytes, rec, rec.encode());
    }
  }

  /** After {@code r} was stored: makes it this node's keyring, unless a newer one was read meanwhile. */
  private void installStored(Replacement r, RootKeyring next) {
    synchronized (lock) {
      if (Arrays.equals(recordBytes, r.expectedBytes()) || Arrays.equals(recordBytes, r.bytes())) {
        install(r.record(), r.bytes(), next);
      }
    }
  }

  private void narrow(String currentId) {
    synchronized (lock) {
      Live l = live;
      live = new Live(l == null ? recordBytes : l.bytes(), Set.of(currentId));
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

  private static RekeyException notInitialized() {
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
