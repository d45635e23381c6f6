package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.PreparedPut;
import dev.rekey.core.service.SecretService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Root key rotation on PostgreSQL with two nodes: a write that stays inside its own transaction
 * for longer than the rotation's propagation wait (a lock wait of seconds), and a node that has
 * not re-read the keyring, never leave material that the stored keyring cannot open.
 */
class PostgresRootRotationTest extends RootRotationRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  /**
   * Node B creates a key inside a transaction that then stays open; node A rotates the root key
   * meanwhile. Without a lock on the keyring the rotation re-wraps what is committed, drops the
   * old generation, and B then commits a version under it. With it, the rotation waits for B.
   */
  @Test
  void aKeyWriteHeldOpenInItsTransaction_whileARotationRuns_staysDecryptable() throws Exception {
    RootOfTrust nodeA = node(store);
    KeyService keysA = keys(store, nodeA, store.transactions());
    keysA.create(NS, "before", KeyType.AES256_GCM, Map.of());
    Store storeB = open(config);
    RootOfTrust nodeB = node(storeB);
    KeyService keysB = keys(storeB, nodeB, storeB.transactions());

    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Key> write = CompletableFuture.supplyAsync(() -> storeB.transactions().inTransaction(() -> {
      Key k = keysB.create(NS, "held", KeyType.AES256_GCM, Map.of());
      written.countDown();
      await(release); // B's transaction stays open, as behind a lock wait
      return k;
    }));
    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Integer> rotation = CompletableFuture.supplyAsync(() -> rotate(nodeA, store));
    try {
      rotation.get(2, TimeUnit.SECONDS); // far longer than the rotation takes when nothing holds it
    } catch (TimeoutException expected) {
      // the rotation waits for B's transaction: that is the fix
    }
    release.countDown();
    write.get(30, TimeUnit.SECONDS);
    rotation.get(30, TimeUnit.SECONDS);

    assertEverythingOpensWithTheStoredKeyring();
    assertThat(store.keys().find(NS, "held")).isPresent();
  }

  /**
   * Node B prepares a put (wrapping the value under the generation it knows), then stalls
   * without re-reading the keyring while node A finishes a whole rotation. B's commit must not
   * store the value under the dropped generation: it wraps it again and stores it.
   */
  @Test
  void aSecretPutOnANodeThatMissedTheRotation_isWrappedAgainUnderTheStoredGeneration() throws Exception {
    RootOfTrust nodeA = node(store);
    Store storeB = open(config);
    RootOfTrust nodeB = node(storeB);
    SecretService secretsB = secrets(storeB, nodeB);
    secretsB.put(NS, "db-password", bytes("first"), SecretService.PutOptions.DEFAULT);
    PreparedPut prepared = secretsB.prepare(NS, "db-password", bytes("second"), SecretService.PutOptions.DEFAULT);

    rotate(nodeA, store);
    secretsB.commit(prepared);

    assertEverythingOpensWithTheStoredKeyring();
    SecretService fresh = secrets(store, node(open(config)));
    assertThat(new String(fresh.read(NS, "db-password", null, null).value(), StandardCharsets.UTF_8))
        .isEqualTo("second");
    assertThat(new String(fresh.read(NS, "db-password", "PREVIOUS", null).value(), StandardCharsets.UTF_8))
        .isEqualTo("first");
    assertThat(nodeB.keyring().currentId()).as("B read the stored keyring").isEqualTo(nodeA.keyring().currentId());
  }

  /**
   * Node B, which has not re-read the keyring, creates a key under the old generation after the
   * rotation stored the new one (the old one is still stored, so the write may go on) and holds
   * its transaction open until the rotation, done re-wrapping, is about to drop the old
   * generation. The drop must find B's key (in its own transaction, after B committed) and re-wrap
   * it first, not drop the generation under it.
   */
  @Test
  void aWriteUnderTheOldGenerationCommittedWhileTheDropWaits_isFoundAndRewrappedFirst() throws Exception {
    RootOfTrust nodeA = node(store);
    KeyService keysA = keys(store, nodeA, store.transactions());
    keysA.create(NS, "before", KeyType.AES256_GCM, Map.of());
    Store storeB = open(config);
    RootOfTrust nodeB = node(storeB);
    KeyService keysB = keys(storeB, nodeB, storeB.transactions());
    String old = nodeB.keyring().currentId();
    byte[] initial = store.system().get(RootOfTrust.KEYRING_NAME).orElseThrow();

    nodeA.propagationDelay(java.time.Duration.ofMillis(500));
    CompletableFuture<Integer> rotation = CompletableFuture.supplyAsync(() -> rotate(nodeA, store));
    awaitTrue("the new generation is stored", () -> !java.util.Arrays.equals(initial,
        storeB.system().get(RootOfTrust.KEYRING_NAME).orElseThrow()));

    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Key> write = CompletableFuture.supplyAsync(() -> storeB.transactions().inTransaction(() -> {
      Key k = keysB.create(NS, "late", KeyType.AES256_GCM, Map.of());
      written.countDown();
      await(release);
      return k;
    }));
    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
    awaitTrue("the rotation waits for B's transaction", () -> waitingLocks() > 0);
    release.countDown();
    Key late = write.get(30, TimeUnit.SECONDS);
    rotation.get(30, TimeUnit.SECONDS);

    assertThat(late.requireVersion(1).material().rootKeyId()).as("B wrote under the old generation").isEqualTo(old);
    assertEverythingOpensWithTheStoredKeyring();
  }

  /**
   * On PostgreSQL each write reads the stored keyring inside its transaction and adopts it when it
   * changed (another node rotated). A stored keyring that cannot be read refuses the write with
   * SEALED (503), not an unchecked exception (500); nothing of the write is stored, and the node
   * keeps the keyring it holds.
   */
  @Test
  void aWriteWhileTheStoredKeyringIsCorrupt_isRefusedSealed_andStoresNothing() {
    RootOfTrust nodeA = node(store);
    KeyService keysA = keys(store, nodeA, store.transactions());
    keysA.create(NS, "before", KeyType.AES256_GCM, Map.of());
    String held = nodeA.keyring().currentId();
    byte[] good = store.system().get(RootOfTrust.KEYRING_NAME).orElseThrow();
    assertThat(store.system().compareAndSet(RootOfTrust.KEYRING_NAME, good, bytes("corrupt"))).isTrue();

    assertThatThrownBy(() -> keysA.create(NS, "after", KeyType.AES256_GCM, Map.of()))
        .isInstanceOf(RekeyException.class)
        .matches(e -> ((RekeyException) e).code() == ErrorCode.SEALED, "code sealed");
    assertThat(store.keys().find(NS, "after")).isEmpty();
    assertThat(store.system().get(RootOfTrust.KEYRING_NAME).orElseThrow()).isEqualTo(bytes("corrupt"));
    assertThat(nodeA.keyring().currentId()).isEqualTo(held);
  }

  /** Lock requests that other transactions hold up, in the whole database server. */
  private int waitingLocks() {
    return ((JdbcTransactions) store.transactions()).read("counting lock waits", c -> {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE NOT granted");
          java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
