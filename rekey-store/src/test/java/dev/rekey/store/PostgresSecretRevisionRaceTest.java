package dev.rekey.store;

import static dev.rekey.store.Fixtures.material;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.secret.Secret;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL (READ COMMITTED) write one secret from the same revision: one changes
 * its tags (the secrets row), the other puts a version (only secret_revisions and secret_versions).
 * The second waits on the revision row, then is refused as stale; nothing of either is lost.
 */
class PostgresSecretRevisionRaceTest {
  @Test
  void aPutRacingATagChange_waitsOnTheRevisionRow_andIsRefusedAsStale() throws Exception {
    StoreConfig config = Backends.postgres();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Store a = Store.open(config); Store b = Store.open(config)) {
      Secret v1 = SecretRepositoryContract.secret("default", "db");
      a.secrets().insert(v1);
      Secret tagged = v1.withTags(Map.of("team", "payments"));
      Secret put = v1.addVersion(material("v2", "root-1"), null, false, t(1));
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<?> tagging = threads.submit(() -> a.transactions().run(() -> {
        a.secrets().update(v1, tagged);
        held.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> putting = threads.submit(() -> b.secrets().update(v1, put));
      Thread.sleep(300);
      assertThat(putting).as("waits for the tag change's revision row").isNotDone();
      release.countDown();
      tagging.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> putting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(RekeyException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
      assertThat(b.secrets().find("default", "db")).contains(tagged);

      Secret again = tagged.addVersion(material("v2", "root-1"), null, false, t(1));
      b.secrets().update(tagged, again);
      assertThat(a.secrets().find("default", "db")).contains(again);
    } finally {
      threads.shutdownNow();
    }
  }
}
