package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.FileSeal;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A root key rotation racing writes of root-wrapped material, on every dialect: whatever the
 * order, every version stored afterwards opens with the stored keyring, which holds one generation.
 */
abstract class RootRotationRaceContract extends StoreContract {
  static final String NS = "default";
  static final Clock CLOCK = Clock.systemUTC();

  /** A server's root of trust on {@code s}, unsealed (initialized by the first one). */
  RootOfTrust node(Store s) {
    RootOfTrust root = new RootOfTrust(s.system(), s.transactions(), FileSeal.open(tempDir.resolve("seal.key")), CLOCK);
    if (root.status().initialized()) {
      root.autoUnseal();
    } else {
      root.init();
    }
    root.propagationDelay(Duration.ofMillis(50));
    return root;
  }

  static KeyService keys(Store s, RootOfTrust root, Transactions transactions) {
    KeyService keys = new KeyService(s.keys(), transactions, s.events(), root::keyring,
        new KeyCache(s.keys(), root::keyring, Duration.ZERO), CLOCK, Duration.ofDays(7), StoredDekVersions.NONE);
    keys.guardRootGenerations(root);
    return keys;
  }

  static SecretService secrets(Store s, RootOfTrust root) {
    SecretService secrets = new SecretService(s.secrets(), s.transactions(), s.events(), root::keyring, CLOCK,
        Duration.ofDays(7));
    secrets.guardRootGenerations(root);
    return secrets;
  }

  static int rotate(RootOfTrust root, Store s) {
    return root.rotateRoot(List.of(s.keys(), s.secrets()));
  }

  /**
   * A key creation wraps its material and checks the generation, then is held up before its
   * transaction (a slow request thread, a wait for the SQLite write lock) while a whole root key
   * rotation runs. Checked only before its transaction, it would store the key under the dropped
   * generation: no revision protects a row that did not exist when the rotation re-wrapped.
   */
  @Test
  void aKeyCreationHeldUpBetweenWrappingAndItsTransaction_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    String old = root.keyring().currentId();
    GatedTransactions gated = new GatedTransactions(store.transactions());
    KeyService keys = keys(store, root, gated);
    keys.create(NS, "before", KeyType.AES256_GCM, Map.of());

    gated.arm();
    CompletableFuture<Key> write = CompletableFuture.supplyAsync(
        () -> keys.create(NS, "held", KeyType.AES256_GCM, Map.of()));
    assertThat(gated.reached.await(10, TimeUnit.SECONDS)).isTrue();
    rotate(root, store);
    gated.release.countDown();
    Key created = write.get(30, TimeUnit.SECONDS);

    assertThat(created.requireVersion(1).material().rootKeyId()).isNotEqualTo(old);
    assertEverythingOpensWithTheStoredKeyring();
  }

  /** The same for a key rotation: its revision changed with the re-wrap, and it is redone. */
  @Test
  void aKeyRotationHeldUpBetweenWrappingAndItsTransaction_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    String old = root.keyring().currentId();
    GatedTransactions gated = new GatedTransactions(store.transactions());
    KeyService keys = keys(store, root, gated);
    keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());

    gated.arm();
    CompletableFuture<Key> write = CompletableFuture.supplyAsync(() -> keys.rotate(NS, "orders", true));
    assertThat(gated.reached.await(10, TimeUnit.SECONDS)).isTrue();
    rotate(root, store);
    gated.release.countDown();
    Key rotated = write.get(30, TimeUnit.SECONDS);

    assertThat(rotated.latestVersion()).isEqualTo(2);
    assertThat(rotated.requireVersion(2).material().rootKeyId()).isNotEqualTo(old);
    assertEverythingOpensWithTheStoredKeyring();
  }

  /**
   * A put of a new secret passes its generation check and is held up before its transaction
   * while a whole root key rotation runs: it must wrap the value again, not store it under the
   * dropped generation.
   */
  @Test
  void aNewSecretPutHeldUpBeforeItsTransaction_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    GatedTransactions gated = new GatedTransactions(store.transactions());
    SecretService secrets = new SecretService(store.secrets(), gated, store.events(), root::keyring, CLOCK,
        Duration.ofDays(7));
    secrets.guardRootGenerations(root);

    gated.arm();
    CompletableFuture<Secret> write = CompletableFuture.supplyAsync(
        () -> secrets.put(NS, "api-token", "value".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            SecretService.PutOptions.DEFAULT));
    assertThat(gated.reached.await(10, TimeUnit.SECONDS)).isTrue();
    rotate(root, store);
    gated.release.countDown();
    write.get(30, TimeUnit.SECONDS);

    assertEverythingOpensWithTheStoredKeyring();
    assertThat(new String(secrets.read(NS, "api-token", null, null).value(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("value");
  }

  /** Every key and secret version in namespace {@link #NS} opens with the keyring a fresh node reads. */
  void assertEverythingOpensWithTheStoredKeyring() {
    RootOfTrust fresh = node(open(config));
    RootKeyring keyring = fresh.keyring();
    assertThat(keyring.generationIds()).as("no rotation left pending").containsExactly(keyring.currentId());
    for (Key k : store.keys().list(NS, null, 1000)) {
      for (KeyVersion v : k.versions()) {
        if (v.material() != null) {
          keyring.unwrap(v.material(), MaterialBinding.keyVersion(NS, k.name(), v.number())).destroy();
        }
      }
    }
    for (Secret s : store.secrets().list(NS, null, 1000)) {
      for (SecretVersion v : s.versions()) {
        if (v.lifecycle().material() != null) {
          keyring.unwrap(v.lifecycle().material(), MaterialBinding.secretVersion(NS, s.name(), v.number())).destroy();
        }
      }
    }
  }

  /** Delegates; once armed, the next transaction waits for {@link #release} before it begins. */
  static final class GatedTransactions implements Transactions {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Transactions delegate;
    private volatile boolean armed;

    GatedTransactions(Transactions delegate) {
      this.delegate = delegate;
    }

    void arm() {
      armed = true;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      if (armed) {
        armed = false;
        reached.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.inTransaction(work);
    }

    @Override
    public boolean active() {
      return delegate.active();
    }

    @Override
    public void afterCommit(Runnable action) {
      delegate.afterCommit(action);
    }

    @Override
    public boolean writersSerialized() {
      return delegate.writersSerialized();
    }
  }
}
