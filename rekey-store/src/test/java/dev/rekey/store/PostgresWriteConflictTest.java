package dev.rekey.store;

import static dev.rekey.store.Fixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' transactions write the same two rows in opposite orders (as two group commits of
 * secret puts can): PostgreSQL breaks the deadlock by failing one of them. That one must surface
 * as a concurrent modification (nothing stored, retry), not as an internal error.
 */
class PostgresWriteConflictTest extends StoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  @Test
  void aDeadlockBetweenTwoNodes_failsOneTransactionAsAConcurrentModification() throws Exception {
    Key a = simple("default", "a");
    Key b = simple("default", "b");
    store.keys().insert(a);
    store.keys().insert(b);
    Store other = open(config);
    CyclicBarrier bothHoldOne = new CyclicBarrier(2);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      runs.add(nodes.submit(() -> store.transactions().run(() -> {
        store.keys().update(a.withTags(Map.of("by", "node-1")), a.revision());
        await(bothHoldOne);
        store.keys().update(b.withTags(Map.of("by", "node-1")), b.revision());
      })));
      runs.add(nodes.submit(() -> other.transactions().run(() -> {
        other.keys().update(b.withTags(Map.of("by", "node-2")), b.revision());
        await(bothHoldOne);
        other.keys().update(a.withTags(Map.of("by", "node-2")), a.revision());
      })));
      List<Throwable> failures = new ArrayList<>();
      for (Future<?> run : runs) {
        try {
          run.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      assertThat(failures).as("PostgreSQL fails exactly one of the two").hasSize(1);
      assertThat(failures.get(0)).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
      String winner = store.keys().find("default", "a").orElseThrow().tags().get("by");
      assertThat(store.keys().find("default", "b").orElseThrow().tags().get("by"))
          .as("the other one committed both rows").isEqualTo(winner);
    } finally {
      nodes.shutdownNow();
      other.close();
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
