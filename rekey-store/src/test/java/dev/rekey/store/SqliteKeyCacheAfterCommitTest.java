package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.KeyType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A key changed inside an enclosing transaction (as the rotation scheduler rotates keys): a
 * request on the same node that reads the key before that transaction commits caches the state
 * committed before. Once the transaction commits, this node must serve the change at once, not
 * after the cache's time to live.
 */
class SqliteKeyCacheAfterCommitTest extends StoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return StoreConfig.sqlite(tempDir.resolve("rekey.db"));
  }

  @Test
  void aRotationInAnEnclosingTransaction_isServedByThisNodeOnceCommitted() throws Exception {
    RootKeyring ring = RootKeyring.generate(Instant.now());
    KeyCache cache = new KeyCache(store.keys(), () -> ring, Duration.ofMinutes(10));
    KeyService keys = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring, cache,
        Clock.systemUTC(), Duration.ofDays(7), store.storedDekVersions());
    keys.create("default", "orders", KeyType.AES256_GCM, Map.of());
    ExecutorService request = Executors.newSingleThreadExecutor();
    try {
      store.transactions().run(() -> {
        keys.rotate("default", "orders", true);
        try {
          // another request on this node, meanwhile: it reads (and caches) what is committed
          int seen = request.submit(() -> cache.get("default", "orders").key().latestVersion()).get(10, TimeUnit.SECONDS);
          assertThat(seen).as("the rotation is not committed yet").isEqualTo(1);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(cache.get("default", "orders").key().latestVersion()).as("served at once after the commit").isEqualTo(2);
    } finally {
      request.shutdownNow();
    }
  }
}
