package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresTokenAndSystemTest extends TokenAndSystemContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  /** What root key rotation relies on: a shared reader holds off another node's change until it commits. */
  @Test
  void getShared_holdsOffAnotherNodesCompareAndSet_untilItsTransactionEnds() throws Exception {
    Store other = open(config);
    store.system().putIfAbsent("keyring", bytes("gen-1"));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> store.transactions().run(() -> {
      store.system().getShared("keyring");
      held.countDown();
      await(release);
    }));
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> change = CompletableFuture.supplyAsync(
        () -> other.system().compareAndSet("keyring", bytes("gen-1"), bytes("gen-2")));
    Thread.sleep(300);
    assertThat(change).as("waits for the shared reader").isNotDone();
    assertThat(other.system().getShared("keyring")).as("other shared readers go on")
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-1")));

    release.countDown();
    reader.get(10, TimeUnit.SECONDS);
    assertThat(change.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void getExclusive_waitsForASharedReader_andThenSeesWhatItCommitted() throws Exception {
    Store other = open(config);
    store.system().putIfAbsent("keyring", bytes("gen-1"));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> store.transactions().run(() -> {
      store.system().getShared("keyring");
      store.system().putIfAbsent("written-under-share", bytes("x"));
      held.countDown();
      await(release);
    }));
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> exclusive = CompletableFuture.supplyAsync(() -> other.transactions().inTransaction(
        () -> {
          other.system().getExclusive("keyring");
          return other.system().get("written-under-share").isPresent();
        }));
    Thread.sleep(300);
    assertThat(exclusive).as("waits for the shared holder").isNotDone();

    release.countDown();
    writer.get(10, TimeUnit.SECONDS);
    assertThat(exclusive.get(10, TimeUnit.SECONDS)).as("a read after the lock sees the holder's write").isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
