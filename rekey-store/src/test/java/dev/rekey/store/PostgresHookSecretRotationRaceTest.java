package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.webhook.WebhookService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PostgresHookSecretRotationRaceTest extends HookSecretRotationRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  /**
   * Node B creates a webhook inside a transaction that then stays open (as behind a lock wait);
   * node A rotates the root key meanwhile. Without the shared lock on the keyring the rotation
   * re-wraps what is committed, drops the old generation, and B then commits a secret under it.
   * With it, the drop waits for B and re-wraps B's secret first.
   */
  @Test
  void aWebhookCreatedInATransactionHeldOpen_whileARotationRuns_staysVerifiable() throws Exception {
    RootOfTrust nodeA = node(store);
    Store storeB = open(config);
    RootOfTrust nodeB = node(storeB);
    WebhookService webhooksB = webhooks(storeB, storeB.webhooks(), nodeB, nodeB::keyring);

    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<WebhookService.WithSecret> write = CompletableFuture.supplyAsync(
        () -> storeB.transactions().inTransaction(() -> {
          WebhookService.WithSecret w = webhooksB.create(URL, List.of(), NS, Map.of());
          written.countDown();
          await(release);
          return w;
        }));
    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> rotation = CompletableFuture.runAsync(() -> rotate(nodeA, store));
    try {
      rotation.get(2, TimeUnit.SECONDS); // far longer than the rotation takes when nothing holds it
    } catch (TimeoutException expected) {
      // the drop waits for B's transaction
    }
    release.countDown();
    WebhookService.WithSecret created = write.get(30, TimeUnit.SECONDS);
    rotation.get(30, TimeUnit.SECONDS);

    assertWebhookSecretOpens(created.webhook().id(), created.secret());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
