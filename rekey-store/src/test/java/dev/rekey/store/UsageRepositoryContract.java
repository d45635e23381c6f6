package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.port.UsageRepository;
import dev.rekey.core.usage.KeyUsage;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCount;
import dev.rekey.core.usage.UsageCounter;
import dev.rekey.core.usage.UsageTracker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Usage counts: additive upserts from one or several nodes, run on every dialect. */
abstract class UsageRepositoryContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private static UsageCount count(String key, int version, Operation op, long n, Instant last) {
    return new UsageCount("default", key, version, op, n, last);
  }

  private static long stored(UsageRepository repo, String key, int version, Operation op) {
    return repo.forKey("default", key).stream().filter(c -> c.version() == version && c.operation() == op)
        .mapToLong(UsageCount::count).sum();
  }

  @Test
  void add_newRows_roundTripEveryField() {
    store.usage().add(List.of(count("orders", 2, Operation.DECRYPT, 5, T), count("orders", 1, Operation.ENCRYPT, 7, T),
        count("other", 1, Operation.ENCRYPT, 1, T)));
    assertThat(store.usage().forKey("default", "orders")).containsExactly(
        count("orders", 1, Operation.ENCRYPT, 7, T), count("orders", 2, Operation.DECRYPT, 5, T));
    assertThat(store.usage().forKey("elsewhere", "orders")).isEmpty();
  }

  @Test
  void add_existingRow_addsCount_laterTimeWins() {
    store.usage().add(List.of(count("orders", 1, Operation.MAC_VERIFY, 3, T)));
    store.usage().add(List.of(count("orders", 1, Operation.MAC_VERIFY, 4, T.minusSeconds(60))));
    assertThat(store.usage().forKey("default", "orders")).containsExactly(count("orders", 1, Operation.MAC_VERIFY, 7, T));
    store.usage().add(List.of(count("orders", 1, Operation.MAC_VERIFY, 0, T.plusSeconds(5))));
    store.usage().add(List.of(count("orders", 1, Operation.MAC_VERIFY, 1, null)));
    assertThat(store.usage().forKey("default", "orders"))
        .containsExactly(count("orders", 1, Operation.MAC_VERIFY, 8, T.plusSeconds(5)));
  }

  @Test
  void add_nothing_writesNothing() {
    store.usage().add(List.of());
    assertThat(store.usage().forKey("default", "orders")).isEmpty();
  }

  @Test
  void add_twoNodesConcurrently_sumsExactly() throws Exception {
    Store other = open(config);
    int rounds = 50;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Store node : List.of(store, other)) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < rounds; i++) {
            node.usage().add(List.of(count("orders", 1, Operation.ENCRYPT, 3, T.plusSeconds(i)),
                count("orders", 2, Operation.DECRYPT, 1, T)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored(store.usage(), "orders", 1, Operation.ENCRYPT)).isEqualTo(2L * rounds * 3);
    assertThat(stored(other.usage(), "orders", 2, Operation.DECRYPT)).isEqualTo(2L * rounds);
    assertThat(store.usage().forKey("default", "orders").get(0).lastUsedAt()).isEqualTo(T.plusSeconds(rounds - 1));
  }

  /** A repository whose database can be switched, to let a real store fail and come back. */
  private static final class Switchable implements UsageRepository {
    volatile UsageRepository target;

    Switchable(UsageRepository target) {
      this.target = target;
    }

    @Override
    public void add(List<UsageCount> deltas) {
      target.add(deltas);
    }

    @Override
    public List<UsageCount> forKey(String namespace, String key) {
      return target.forKey(namespace, key);
    }
  }

  @Test
  void tracker_flushFailsWhileStoreDown_retriedLater_exactTotals() {
    Store first = open(config);
    Switchable repo = new Switchable(first.usage());
    UsageTracker tracker = new UsageTracker(new UsageCounter(Clock.fixed(T, ZoneOffset.UTC)), repo);
    KeyUsage orders = tracker.counter().forKey("default", "orders");
    for (int i = 0; i < 10; i++) {
      orders.record(1, Operation.ENCRYPT);
    }
    assertThat(tracker.flush()).isEqualTo(1);
    orders.record(1, Operation.ENCRYPT);
    orders.record(2, Operation.DECRYPT);
    first.close();
    assertThatThrownBy(tracker::flush).isInstanceOf(RuntimeException.class);
    orders.record(1, Operation.ENCRYPT);
    repo.target = open(config).usage();
    assertThat(tracker.flush()).isEqualTo(2);
    assertThat(tracker.flush()).isZero();
    assertThat(stored(store.usage(), "orders", 1, Operation.ENCRYPT)).isEqualTo(12);
    assertThat(stored(store.usage(), "orders", 2, Operation.DECRYPT)).isEqualTo(1);
    assertThat(tracker.lastUsedAt("default", "orders", 2)).contains(T.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }
}
