package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.policy.RotationScheduler.TickResult;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.port.VersionUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several scheduler nodes on one database: leases, take-over after a lease expires, concurrent ticks.
 * Every dialect (on SQLite the nodes are two stores on one file).
 */
abstract class SchedulerNodesContract extends SchedulerFixture {
  @Test
  void abandonedLease_isTakenOverAfterItExpires_andRotatesOnce() {
    node.put(SchedulerNode.every("namespace:default", "P1D"), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    at(T0.plus(Duration.ofDays(1)));
    // a node claims the key and dies before doing anything
    assertThat(store.schedules().claimDue(clock.instant(), "dead-node", clock.instant().plus(Duration.ofMinutes(5)), 10))
        .hasSize(1);

    assertThat(node.scheduler.tick().claimed()).isZero();
    at(clock.instant().plus(Duration.ofMinutes(5)).plusNanos(1));
    assertThat(node.scheduler.tick().rotated()).isEqualTo(1);
    node.scheduler.drain(10);
    assertThat(runs("default", "k")).hasSize(1);
    assertThat(node.keys.get("default", "k").latestVersion()).isEqualTo(2);
  }

  @Test
  void leaseExpiresWhileANodeIsStillRotating_theKeyRotatesExactlyOnce() throws Exception {
    SchedulerNode b = node(open(config), "node-b", Duration.ofDays(1));
    ExecutorService other = Executors.newSingleThreadExecutor();
    AtomicReference<Future<TickResult>> bTick = new AtomicReference<>();
    VersionUsage slowUsage = (ns, key, v) -> {
      if (bTick.get() == null) {
        clock.advance(Duration.ofMinutes(5).plusSeconds(1)); // A's lease is over
        bTick.set(other.submit(b.scheduler::tick));
        try {
          Thread.sleep(500); // B claims the key and starts (or waits to start) its own pass
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Optional.empty();
    };
    SchedulerNode a = new SchedulerNode(store, ring, clock, SchedulerConfig.defaults("node-a"), slowUsage);
    try {
      a.put(new PolicySpec("namespace:default", "P1D", null, null, null, "PT1H", null, true, null, null, null), T0);
      a.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
      a.scheduler.drain(10);
      at(T0.plus(Duration.ofDays(1)));

      TickResult byA = a.scheduler.tick();
      TickResult byB = bTick.get().get();

      assertThat(byA.rotated() + byB.rotated()).isEqualTo(1);
      assertThat(store.keys().find("default", "k").orElseThrow().latestVersion()).isEqualTo(2);
      assertThat(runs("default", "k")).hasSize(1);
      assertThat(events(EventType.KEY_NEW_VERSION_CREATED)).hasSize(2);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void twoNodesTickingConcurrently_rotateEachDueKeyExactlyOnce() throws Exception {
    SchedulerNode a = node(store, "node-a", Duration.ofDays(1));
    SchedulerNode b = node(open(config), "node-b", Duration.ofDays(1));
    a.put(SchedulerNode.every("namespace:default", "P1D"), T0);
    for (int i = 0; i < 120; i++) {
      a.keys.create("default", "k" + i, KeyType.AES256_GCM, Map.of());
    }
    a.scheduler.drain(100);
    at(T0.plus(Duration.ofDays(1)));

    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Integer>> rotated = new ArrayList<>();
    try {
      for (SchedulerNode n : List.of(a, b)) {
        rotated.add(pool.submit(() -> {
          start.await();
          int count = 0;
          for (int round = 0; round < 50; round++) {
            TickResult r = n.scheduler.tick();
            count += r.rotated();
            assertThat(r.failed()).isZero();
          }
          return count;
        }));
      }
      int byA = rotated.get(0).get();
      int byB = rotated.get(1).get();
      assertThat(byA + byB).isEqualTo(120);
    } finally {
      pool.shutdownNow();
    }

    for (int i = 0; i < 120; i++) {
      assertThat(store.schedules().runs("default", "k" + i)).hasSize(1);
      assertThat(a.keys.get("default", "k" + i).latestVersion()).isEqualTo(2);
    }
    assertThat(events(EventType.KEY_NEW_VERSION_CREATED)).hasSize(2 * 120);
  }
}
