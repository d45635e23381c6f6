package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.InMemorySystemRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RootOfTrust#requireLive} and the drop of old generations it pairs with. */
class LiveRootGenerationsTest {
  @TempDir Path dir;
  final InMemorySystemRepository system = new InMemorySystemRepository();
  final InMemoryKeyRepository keys = new InMemoryKeyRepository();
  final RootTestKeys material = new RootTestKeys();

  RootOfTrust node(SystemRepository store, Transactions transactions) {
    RootOfTrust node = new RootOfTrust(store, transactions, FileSeal.open(dir.resolve("seal.key")), RootOfTrustTest.CLOCK);
    if (node.status().initialized()) {
      node.autoUnseal();
    } else {
      node.init();
    }
    return node;
  }

  static void assertRefused(Runnable check) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(RekeyException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION);
      assertThat(e.getMessage()).contains("retry");
    });
  }

  @Test
  void requireLive_passesForEveryStoredGeneration_andRefusesOneTheRotationDropped() {
    RootOfTrust root = node(system, Transactions.direct());
    RootKeyring before = root.keyring();
    assertThat(root.replaceKeyring(before, before.withNewGeneration(RootTestKeys.NOW))).isTrue();
    String added = root.keyring().currentId();

    assertThatCode(() -> root.requireLive(before.currentId())).as("old, still stored").doesNotThrowAnyException();
    assertThatCode(() -> root.requireLive(added)).doesNotThrowAnyException();

    root.resumeRootRotation(keys);
    assertRefused(() -> root.requireLive(before.currentId()));
    assertRefused(() -> root.requireLive("root-never-was"));
    assertThatCode(() -> root.requireLive(added)).doesNotThrowAnyException();
  }

  @Test
  void requireLive_afterAnotherNodeRotated_readsTheStoredKeyringAndTakesItOver() {
    RootOfTrust root = node(system, Transactions.direct());
    String old = root.keyring().currentId();
    RootOfTrust other = node(system, Transactions.direct());
    other.rotateRoot(keys);

    assertRefused(() -> root.requireLive(old));
    assertThat(root.keyring().currentId()).as("the next attempt wraps under the stored generation")
        .isEqualTo(other.keyring().currentId());
    assertThatCode(() -> root.requireLive(other.keyring().currentId())).doesNotThrowAnyException();
  }

  @Test
  void requireLive_whenWritersAreSerialized_readsNothing() {
    CountingSystem counting = new CountingSystem(system);
    RootOfTrust root = node(counting, new Serialized());
    String current = root.keyring().currentId();
    counting.reads.set(0);

    root.requireLive(current);
    assertRefused(() -> root.requireLive("root-never-was"));
    assertThat(counting.reads).as("no query on the write path").hasValue(0);
  }

  /**
   * A write that stored material under the old generation after the re-wrap (and committed before
   * the drop took the keyring) is found inside the drop's transaction: the rotation re-wraps it
   * and drops the generation only then.
   */
  @Test
  void drop_findsMaterialStoredUnderTheOldGenerationInItsTransaction_andRewrapsItFirst() {
    Serialized transactions = new Serialized();
    RootOfTrust root = node(system, transactions);
    RootKeyring before = root.keyring();
    material.insert(keys, before, "default", 3, 1);
    AtomicBoolean straggled = new AtomicBoolean();
    KeyRepository straggling = new DelegatingKeys(keys) {
      @Override
      public List<Key> findWrappedByOtherRoot(String rootKeyId, int limit) {
        if (transactions.inside && straggled.compareAndSet(false, true)) {
          material.insert(keys, before, "late", 1, 1);
        }
        return super.findWrappedByOtherRoot(rootKeyId, limit);
      }
    };

    root.rotateRoot(straggling);

    assertThat(straggled).isTrue();
    RootKeyring after = node(system, Transactions.direct()).keyring();
    assertThat(after.generationIds()).containsExactly(after.currentId());
    RootTestKeys.assertAllWrappedBy(keys, after.currentId());
    material.assertAllUnwrap(keys, after);
    assertThat(keys.find("late", "key-00000").orElseThrow().requireVersion(1).material().rootKeyId())
        .isEqualTo(after.currentId());
  }

  /**
   * One writer (SQLite): writes check the generations in memory, so the drop must take the old
   * one away from them before its transaction commits, while it still holds the write lock.
   */
  @Test
  void drop_withSerializedWriters_refusesTheOldGenerationBeforeItsCommit() {
    AtomicReference<RootOfTrust> self = new AtomicReference<>();
    AtomicReference<String> old = new AtomicReference<>();
    AtomicReference<Throwable> checkAtCommit = new AtomicReference<>();
    AtomicInteger keyringWrites = new AtomicInteger();
    SystemRepository watching = new CountingSystem(system) {
      @Override
      public boolean compareAndSet(String name, byte[] expected, byte[] value) {
        if (name.equals(RootOfTrust.KEYRING_NAME) && keyringWrites.incrementAndGet() == 2) {
          try {
            self.get().requireLive(old.get());
          } catch (RuntimeException e) {
            checkAtCommit.set(e);
          }
        }
        return super.compareAndSet(name, expected, value);
      }
    };
    RootOfTrust root = node(watching, new Serialized());
    self.set(root);
    old.set(root.keyring().currentId());

    root.rotateRoot(keys);

    assertThat(keyringWrites).hasValue(2);
    assertThat(checkAtCommit.get()).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
  }

  /** A system secret first stored by a node that missed a rotation is wrapped under the stored generation. */
  @Test
  void loadOrCreateSystemSecret_onANodeThatMissedARotation_storesItUnderTheStoredGeneration() {
    RootOfTrust stale = node(system, Transactions.direct());
    RootOfTrust other = node(system, Transactions.direct());
    other.rotateRoot(keys);
    dev.rekey.core.crypto.SecretBytes generated = dev.rekey.core.crypto.SecretBytes.random(32);
    dev.rekey.core.crypto.SecretBytes expected = dev.rekey.core.crypto.SecretBytes.copyOf(
        generated.reveal(dev.rekey.core.crypto.SecretAccess.get()));

    dev.rekey.core.crypto.SecretBytes loaded = stale.loadOrCreateSystemSecret("audit-signing-key", () -> generated);

    assertThat(loaded.sameAs(expected)).isTrue();
    RootKeyring storedKeyring = node(system, Transactions.direct()).keyring();
    assertThat(SystemSecrets.rootKeyId(system, "audit-signing-key")).contains(storedKeyring.currentId());
    assertThat(SystemSecrets.load(system, storedKeyring, "audit-signing-key").orElseThrow().sameAs(expected)).isTrue();
  }

  /** Runs work directly, says when it runs, and claims one writer at a time (as SQLite). */
  static final class Serialized implements Transactions {
    volatile boolean inside;

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      inside = true;
      try {
        return work.get();
      } finally {
        inside = false;
      }
    }

    @Override
    public boolean writersSerialized() {
      return true;
    }
  }

  static class CountingSystem implements SystemRepository {
    final AtomicInteger reads = new AtomicInteger();
    private final SystemRepository delegate;

    CountingSystem(SystemRepository delegate) {
      this.delegate = delegate;
    }

    @Override public Optional<byte[]> get(String name) {
      reads.incrementAndGet();
      return delegate.get(name);
    }

    @Override public Optional<byte[]> getShared(String name) {
      reads.incrementAndGet();
      return delegate.getShared(name);
    }

    @Override public boolean putIfAbsent(String name, byte[] value) {
      return delegate.putIfAbsent(name, value);
    }

    @Override public boolean compareAndSet(String name, byte[] expected, byte[] value) {
      return delegate.compareAndSet(name, expected, value);
    }
  }

  static class DelegatingKeys implements KeyRepository {
    private final KeyRepository delegate;

    DelegatingKeys(KeyRepository delegate) {
      this.delegate = delegate;
    }

    @Override public void insert(Key key) { delegate.insert(key); }
    @Override public Optional<Key> find(String ns, String name) { return delegate.find(ns, name); }
    @Override public List<Key> list(String ns, String after, int limit) { return delegate.list(ns, after, limit); }
    @Override public void update(Key updated, long expectedRevision) { delegate.update(updated, expectedRevision); }
    @Override public List<Key> findWrappedByOtherRoot(String id, int limit) {
      return delegate.findWrappedByOtherRoot(id, limit);
    }
  }
}
