package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.rekey.core.testing.InMemorySystemRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootRotationTest {
  @TempDir Path dir;
  final InMemorySystemRepository system = new InMemorySystemRepository();
  final InMemoryKeyRepository keys = new InMemoryKeyRepository();
  final RootTestKeys material = new RootTestKeys();
  final SecretBytes signing = SecretBytes.random(32);
  final SecretBytes hmac = SecretBytes.random(32);
  RootOfTrust root;
  String oldId;

  @BeforeEach
  void setUp() {
    root = node(system);
    root.init();
    oldId = root.keyring().currentId();
    material.insert(keys, root.keyring(), "default", 20, 3);
    material.insert(keys, root.keyring(), "tenant-a", 5, 1);
    SystemSecrets.store(system, root.keyring(), "audit-signing-key", signing);
    SystemSecrets.store(system, root.keyring(), "audit-hmac-key", hmac);
  }

  /** A server on the same stores (another node, or this one after a restart), unsealed. */
  RootOfTrust node(SystemRepository store) {
    RootOfTrust node = new RootOfTrust(store, FileSeal.open(dir.resolve("seal.key")), RootOfTrustTest.CLOCK);
    if (node.status().initialized()) {
      node.autoUnseal();
    }
    return node;
  }

  void assertRotatedAwayFrom(String oldRootId) {
    RootOfTrust restarted = node(system);
    RootKeyring keyring = restarted.keyring();
    assertThat(keyring.generationIds()).containsExactly(keyring.currentId());
    assertThat(keyring.currentId()).isNotEqualTo(oldRootId);
    assertThat(restarted.status().rotationPending()).isFalse();
    RootTestKeys.assertAllWrappedBy(keys, keyring.currentId());
    material.assertAllUnwrap(keys, keyring);
    assertThat(SystemSecrets.load(system, keyring, "audit-signing-key").orElseThrow().sameAs(signing)).isTrue();
    assertThat(SystemSecrets.load(system, keyring, "audit-hmac-key").orElseThrow().sameAs(hmac)).isTrue();
    assertThat(SystemSecrets.rootKeyId(system, "audit-hmac-key")).contains(keyring.currentId());
  }

  @Test
  void rotateRoot_rewrapsEverythingAndDropsTheOldGeneration() {
    assertThat(root.rotateRoot(keys)).isEqualTo(25);
    assertThat(root.keyring().currentId()).isNotEqualTo(oldId);
    assertRotatedAwayFrom(oldId);
  }

  @Test
  void rotateRoot_rewrapsSecretsToo_andTheyStillRead() {
    InMemorySecretRepository secrets = new InMemorySecretRepository();
    SecretService service = new SecretService(secrets, Transactions.direct(), EventOutbox.NONE, root::keyring,
        RootOfTrustTest.CLOCK, Duration.ofDays(7));
    for (int i = 0; i < 7; i++) {
      service.put("default", "s" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
      service.put("default", "s" + i, ("value-" + i + "b").getBytes(StandardCharsets.UTF_8),
          SecretService.PutOptions.DEFAULT);
    }

    assertThat(root.rotateRoot(List.of(keys, secrets))).isEqualTo(25 + 7);

    assertRotatedAwayFrom(oldId);
    assertThat(secrets.findWrappedByOtherRoot(root.keyring().currentId(), 10)).isEmpty();
    for (int i = 0; i < 7; i++) {
      assertThat(new String(service.read("default", "s" + i, "PREVIOUS", null).value(), StandardCharsets.UTF_8))
          .isEqualTo("value-" + i);
      assertThat(new String(service.read("default", "s" + i, null, null).value(), StandardCharsets.UTF_8))
          .isEqualTo("value-" + i + "b");
    }
  }

  @Test
  void rotateRoot_twice_movesToAThirdGeneration() {
    root.rotateRoot(keys);
    String second = root.keyring().currentId();
    assertThat(root.rotateRoot(keys)).isEqualTo(25);
    assertThat(root.keyring().currentId()).isNotIn(oldId, second);
    assertRotatedAwayFrom(second);
  }

  @Test
  void rotateRoot_moreKeysThanABatch_rewrapsThemAll() {
    material.insert(keys, root.keyring(), "bulk", RootRotation.BATCH * 2 + 17, 1);
    assertThat(root.rotateRoot(keys)).isEqualTo(25 + RootRotation.BATCH * 2 + 17);
    assertRotatedAwayFrom(oldId);
  }

  @Test
  void resumeRootRotation_nothingPending_returnsZero() {
    assertThat(root.resumeRootRotation(keys)).isZero();
    assertThat(root.keyring().currentId()).isEqualTo(oldId);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 24})
  void rotateRoot_crashAfterSomeUpdates_resumeOnANewInstanceFinishes(int updatesBeforeCrash) {
    KeyRepository crashing = new CrashingKeys(keys, updatesBeforeCrash);
    assertThatThrownBy(() -> root.rotateRoot(crashing)).isInstanceOf(SimulatedCrash.class);

    RootOfTrust restarted = node(system);
    assertThat(restarted.status().rotationPending()).isTrue();
    assertThat(restarted.keyring().generationIds()).hasSize(2).contains(oldId);
    material.assertAllUnwrap(keys, restarted.keyring());

    assertThat(restarted.resumeRootRotation(keys)).isEqualTo(25 - updatesBeforeCrash);
    assertRotatedAwayFrom(oldId);
  }

  @Test
  void rotateRoot_crashBeforeDroppingOldGenerations_resumeFinishes() {
    SystemRepository crashing = new CrashingKeyringWrites(system, 2);
    RootOfTrust node = node(crashing);
    assertThatThrownBy(() -> node.rotateRoot(keys)).isInstanceOf(SimulatedCrash.class);
    RootTestKeys.assertAllWrappedBy(keys, node(system).keyring().currentId());

    RootOfTrust restarted = node(system);
    assertThat(restarted.status().rotationPending()).isTrue();
    assertThat(restarted.resumeRootRotation(keys)).isZero();
    assertRotatedAwayFrom(oldId);
  }

  @Test
  void rotateRoot_concurrentUpdateOfAKey_reloadsAndKeepsTheOtherWrite() {
    KeyRepository racing = new RacingKeys(keys);
    assertThat(root.rotateRoot(racing)).isEqualTo(25);
    assertThat(keys.find("default", "key-00000").orElseThrow().tags()).containsEntry("touched", "yes");
    assertRotatedAwayFrom(oldId);
  }

  @Test
  void rotateRoot_unreadableVersion_stopsWithoutLosingAnything() {
    WrappedKey foreign = RootKeyring.generate(RootTestKeys.NOW)
        .wrap(SecretBytes.random(32), MaterialBinding.keyVersion("default", "zz-broken", 1));
    keys.insert(Key.create("default", "zz-broken", KeyType.AES256_GCM, Map.of(), foreign, RootTestKeys.NOW));
    assertThatThrownBy(() -> root.rotateRoot(keys))
        .matches(e -> ((RekeyException) e).code() == ErrorCode.INTERNAL)
        .hasMessageContaining("cannot unwrap key 'default/zz-broken' version 1");
    RootOfTrust restarted = node(system);
    assertThat(restarted.keyring().generationIds()).hasSize(2).contains(oldId);
    assertThat(SystemSecrets.load(system, restarted.keyring(), "audit-hmac-key")).isPresent();
  }

  @Test
  void rotateRoot_whileSealed_isSealed() {
    root.seal();
    assertThatThrownBy(() -> root.rotateRoot(keys)).matches(e -> ((RekeyException) e).code() == ErrorCode.SEALED);
  }

  @Test
  void refresh_afterAnotherNodeRotated_picksUpTheNewKeyring() {
    RootOfTrust other = node(system);
    other.rotateRoot(keys);
    assertThat(root.refresh()).isTrue();
    assertThat(root.keyring().currentId()).isEqualTo(other.keyring().currentId());
    assertThat(root.refresh()).isFalse();
  }

  @Test
  void unwrap_onANodeThatHasNotRefreshedYet_readsMaterialOfTheNewGeneration() {
    RootKeyring stale = root.keyring();
    RootOfTrust other = node(system);
    other.rotateRoot(keys);
    SystemSecrets.store(system, other.keyring(), "webhook-signing", hmac);

    // no refresh() on this node: the unknown generation makes its keyring re-read the stored one
    assertThat(stale.generationIds()).doesNotContain(other.keyring().currentId());
    assertThat(SystemSecrets.load(system, stale, "webhook-signing").orElseThrow().sameAs(hmac)).isTrue();
    assertThat(SystemSecrets.load(system, stale, "audit-hmac-key").orElseThrow().sameAs(hmac)).isTrue();
    material.assertAllUnwrap(keys, stale);
    assertThat(root.keyring().currentId()).isEqualTo(other.keyring().currentId());
  }

  @Test
  void unwrap_ofANewGeneration_onAThreadThatMustNotWait_isNeedsStore_andRereadsNothing() {
    ThreadLocal<Boolean> loop = ThreadLocal.withInitial(() -> false);
    dev.rekey.core.service.StoreReadGuard guard = new dev.rekey.core.service.StoreReadGuard();
    guard.refuseWhen(loop::get);
    root.guardStoreReads(guard);
    RootKeyring stale = root.keyring();
    RootOfTrust other = node(system);
    other.rotateRoot(keys);
    byte[] binding = MaterialBinding.system("late");
    WrappedKey underNew = other.keyring().wrap(SecretBytes.wrap(new byte[32]), binding);

    loop.set(true);
    try {
      assertThatThrownBy(() -> stale.unwrap(underNew, binding))
          .isInstanceOf(dev.rekey.core.service.NeedsStore.class);
    } finally {
      loop.set(false);
    }
    assertThat(root.keyring().generationIds()).as("nothing was re-read").doesNotContain(other.keyring().currentId());
    assertThat(stale.unwrap(underNew, binding)).isNotNull();
    assertThat(root.keyring().currentId()).isEqualTo(other.keyring().currentId());
  }

  @Test
  void staleNodeResumingARotationAnotherNodeFinished_neverWrapsMaterialUnderADroppedGeneration() {
    RootKeyring first = root.keyring();
    assertThat(root.replaceKeyring(first, first.withNewGeneration(RootTestKeys.NOW))).isTrue(); // step 1 on this node
    RootOfTrust other = node(system);
    other.rotateRoot(keys); // finishes that rotation and makes another: only a third generation is stored
    try {
      root.resumeRootRotation(keys); // this node has not re-read the keyring yet
    } catch (RekeyException refused) {
      // refusing is fine; losing material is not
    }
    RootKeyring stored = node(system).keyring();
    assertThat(SystemSecrets.rootKeyId(system, "audit-hmac-key")).contains(stored.currentId());
    assertThat(keys.findWrappedByOtherRoot(stored.currentId(), 1000)).isEmpty();
    material.assertAllUnwrap(keys, stored);
    assertThat(SystemSecrets.load(system, stored, "audit-hmac-key").orElseThrow().sameAs(hmac)).isTrue();
  }

  @Test
  void unwrap_ofAGenerationNoStoredKeyringHolds_rereadsTheStoredKeyringAtMostOnceASecond() {
    AtomicInteger keyringReads = new AtomicInteger();
    SystemRepository counting = new SystemRepository() {
      @Override
      public Optional<byte[]> get(String name) {
        if (name.equals(RootOfTrust.KEYRING_NAME)) {
          keyringReads.incrementAndGet();
        }
        return system.get(name);
      }

      @Override
      public boolean putIfAbsent(String name, byte[] value) {
        return system.putIfAbsent(name, value);
      }

      @Override
      public boolean compareAndSet(String name, byte[] expected, byte[] value) {
        return system.compareAndSet(name, expected, value);
      }
    };
    RootKeyring held = node(counting).keyring();
    WrappedKey foreign = RootKeyring.generate(RootTestKeys.NOW)
        .wrap(SecretBytes.random(32), MaterialBinding.system("foreign"));
    int before = keyringReads.get();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> held.unwrap(foreign, MaterialBinding.system("foreign")))
          .matches(e -> ((RekeyException) e).code() == ErrorCode.DECRYPTION_FAILED);
    }
    assertThat(keyringReads.get() - before).isEqualTo(1);
  }

  @Test
  void unwrap_ofAGenerationNoStoredKeyringHolds_isDecryptionFailed_alsoOnceSealed() {
    WrappedKey foreign = RootKeyring.generate(RootTestKeys.NOW)
        .wrap(SecretBytes.random(32), MaterialBinding.system("foreign"));
    RootKeyring held = root.keyring();
    assertThatThrownBy(() -> held.unwrap(foreign, MaterialBinding.system("foreign")))
        .matches(e -> ((RekeyException) e).code() == ErrorCode.DECRYPTION_FAILED);
    root.seal();
    assertThatThrownBy(() -> held.unwrap(foreign, MaterialBinding.system("foreign")))
        .matches(e -> ((RekeyException) e).code() == ErrorCode.DECRYPTION_FAILED);
  }

  static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash() {
      super("simulated crash");
    }
  }

  /** Delegates to a real store and "crashes" instead of the (n+1)-th update. */
  static final class CrashingKeys implements KeyRepository {
    private final KeyRepository delegate;
    private final AtomicInteger left;

    CrashingKeys(KeyRepository delegate, int updatesBeforeCrash) {
      this.delegate = delegate;
      this.left = new AtomicInteger(updatesBeforeCrash);
    }

    @Override public void insert(Key key) { delegate.insert(key); }
    @Override public Optional<Key> find(String ns, String name) { return delegate.find(ns, name); }
    @Override public List<Key> list(String ns, String after, int limit) { return delegate.list(ns, after, limit); }
    @Override public List<Key> findWrappedByOtherRoot(String id, int limit) {
      return delegate.findWrappedByOtherRoot(id, limit);
    }

    @Override
    public void update(Key updated, long expectedRevision) {
      if (left.getAndDecrement() <= 0) {
        throw new SimulatedCrash();
      }
      delegate.update(updated, expectedRevision);
    }
  }

  /** Before the first update of each key, another writer changes that key's tags. */
  static final class RacingKeys implements KeyRepository {
    private final InMemoryKeyRepository delegate;
    private final java.util.Set<String> raced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RacingKeys(InMemoryKeyRepository delegate) {
      this.delegate = delegate;
    }

    @Override public void insert(Key key) { delegate.insert(key); }
    @Override public Optional<Key> find(String ns, String name) { return delegate.find(ns, name); }
    @Override public List<Key> list(String ns, String after, int limit) { return delegate.list(ns, after, limit); }
    @Override public List<Key> findWrappedByOtherRoot(String id, int limit) {
      return delegate.findWrappedByOtherRoot(id, limit);
    }

    @Override
    public void update(Key updated, long expectedRevision) {
      if (raced.add(updated.namespace() + "/" + updated.name())) {
        Key stored = delegate.find(updated.namespace(), updated.name()).orElseThrow();
        delegate.update(stored.withTags(Map.of("touched", "yes")), stored.revision());
      }
      delegate.update(updated, expectedRevision);
    }
  }

  /** Delegates, but "crashes" instead of the n-th compare-and-set of the root keyring. */
  static final class CrashingKeyringWrites implements SystemRepository {
    private final SystemRepository delegate;
    private final AtomicInteger left;

    CrashingKeyringWrites(SystemRepository delegate, int crashOnWrite) {
      this.delegate = delegate;
      this.left = new AtomicInteger(crashOnWrite);
    }

    @Override public Optional<byte[]> get(String name) { return delegate.get(name); }
    @Override public boolean putIfAbsent(String name, byte[] value) { return delegate.putIfAbsent(name, value); }

    @Override
    public boolean compareAndSet(String name, byte[] expected, byte[] value) {
      if (name.equals(RootOfTrust.KEYRING_NAME) && left.decrementAndGet() == 0) {
        throw new SimulatedCrash();
      }
      return delegate.compareAndSet(name, expected, value);
    }
  }
}
