package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.campaign.CampaignState;
import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.VersionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running re-wrap campaign racing an operator who disables, schedules the destruction of and
 * destroys its target or its source version, round after round, on every dialect. Whatever the
 * interleaving: the operator's steps either go through or are refused with ILLEGAL_STATE (stored
 * DEKs still need the version) and nothing else; the runner never throws; every stored DEK is
 * wrapped by a version that may still decrypt and unwraps to what it was; and the campaign ends
 * COMPLETED with nothing left on its source, or FAILED (its target stopped decrypting) with every
 * DEK still on its source.
 */
abstract class CampaignVersionRaceContract extends StoreContract {
  static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
  static final String NS = "default";
  static final int ROUNDS = 25;
  static final int DEKS = 6;
  static final int BATCH = 3;

  RootKeyring ring;
  DekNode node;
  /** The operator's node: its own clock, moved past the destruction wait. */
  DekNode operator;
  ExecutorService pool;
  final List<String> outcomes = new ArrayList<>();
  /** Set once the runner of the current round has returned. */
  volatile boolean runnerDone;

  @BeforeEach
  void nodes() {
    ring = RootKeyring.generate(T0);
    node = new DekNode(store, ring, new DekNode.TestClock(T0), "node-a", BATCH);
    operator = new DekNode(store, ring, new DekNode.TestClock(T0), "operator", BATCH);
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    // how far the operator got per round: both sides of the race should show up here
    System.out.println(getClass().getSimpleName() + " operator outcomes: " + outcomes.stream()
        .collect(java.util.stream.Collectors.groupingBy(o -> o, java.util.TreeMap::new,
            java.util.stream.Collectors.counting())));
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    node.runner.close();
    operator.runner.close();
  }

  /** A KEK with {@link #DEKS} stored DEKs under version 1; returns their plaintexts by tenant. */
  Map<String, byte[]> kekWithDeks(String kek) {
    node.keys.create(NS, kek, KeyType.AES256_GCM, Map.of());
    Map<String, byte[]> plaintexts = new HashMap<>();
    for (int i = 0; i < DEKS; i++) {
      String tenant = "t" + i;
      node.deks.create(NS, kek, tenant);
      plaintexts.put(tenant, node.deks.fetch(NS, kek, tenant, null).key().reveal(SecretAccess.get()).clone());
    }
    return plaintexts;
  }

  /**
   * Disable, schedule destruction of, then destroy {@code version}, stopping at the first refusal;
   * returns how far it got. Only ILLEGAL_STATE may refuse a step.
   */
  String takeAway(String kek, int version) {
    List<VersionAction> steps = List.of(VersionAction.DISABLE, VersionAction.SCHEDULE_DESTROY, VersionAction.DESTROY);
    String done = "none";
    for (VersionAction step : steps) {
      if (step == VersionAction.DESTROY) {
        operator.clock.advance(Duration.ofDays(2));
      }
      try {
        operator.keys.changeVersion(NS, kek, version, step, step == VersionAction.SCHEDULE_DESTROY ? 1 : null);
        done = step.name();
      } catch (RekeyException e) {
        assertThat(e.code()).as("%s of version %d refused: %s", step, version, e.getMessage())
            .isEqualTo(ErrorCode.ILLEGAL_STATE);
        return done;
      }
    }
    return done;
  }

  /** Runs {@code campaign} to its end on one thread and {@code operatorSteps} on another, released together. */
  String race(long campaign, java.util.concurrent.Callable<String> operatorSteps) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    runnerDone = false;
    Future<?> runner = pool.submit(() -> {
      start.await();
      try {
        node.runner.runToEnd(campaign);
      } finally {
        runnerDone = true;
      }
      return null;
    });
    Future<String> op = pool.submit(() -> {
      start.await();
      // a random head start for the runner: every interleaving of its batches with the operator's steps
      long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(2_000_000);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return operatorSteps.call();
    });
    runner.get(60, TimeUnit.SECONDS);
    return op.get(60, TimeUnit.SECONDS);
  }

  /** Every DEK of {@code kek} is wrapped by a version that may decrypt, and unwraps to its original. */
  void assertEveryDekUsable(String kek, Map<String, byte[]> plaintexts) {
    Key key = store.keys().find(NS, kek).orElseThrow();
    for (Map.Entry<String, byte[]> e : plaintexts.entrySet()) {
      StoredDek d = store.deks().find(NS, kek, e.getKey(), 1).orElseThrow();
      assertThat(key.canDecryptWith(d.kekVersion()))
          .as("tenant %s is wrapped by version %d, which is %s", e.getKey(), d.kekVersion(),
              key.requireVersion(d.kekVersion()).state())
          .isTrue();
      assertThat(node.deks.fetch(NS, kek, e.getKey(), 1).key().reveal(SecretAccess.get())).isEqualTo(e.getValue());
    }
  }

  /**
   * The campaign moves v1 to v2; a rotation then makes v3 the primary and leaves the target v2
   * ACTIVE, so it may be disabled and destroyed while the campaign writes to it.
   */
  @Test
  void takingAwayTheTargetVersion_duringTheCampaign_neverStrandsADek() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String kek = "target" + round;
      Map<String, byte[]> plaintexts = kekWithDeks(kek);
      node.keys.rotate(NS, kek, true);
      RewrapCampaign c = node.campaigns.start(NS, kek, 1, null, null, "api");
      node.keys.rotate(NS, kek, true);
      assertThat(node.runner.claim()).contains(c.id());

      String took = race(c.id(), () -> takeAway(kek, 2));
      outcomes.add("target " + took);

      RewrapCampaign end = store.campaigns().find(c.id()).orElseThrow();
      assertEveryDekUsable(kek, plaintexts);
      if (end.state() == CampaignState.COMPLETED) {
        assertThat(took).as("round %d: the target was taken away, yet the campaign completed", round)
            .isEqualTo("none");
        assertThat(store.deks().countWrapped(NS, kek, 1, 2)).isZero();
        assertThat(end.done()).isEqualTo(DEKS);
      } else {
        assertThat(end.state()).as("round %d", round).isEqualTo(CampaignState.FAILED);
        assertThat(end.message()).contains("target version 2");
        assertThat(store.deks().countWrapped(NS, kek, 2, 3)).isZero();
      }
    }
  }

  /**
   * The interleaving the source race reaches only now and then, pinned: the last DEKs left the
   * source in a full batch, the operator then disables and destroys the source (nothing needs it
   * any more), and only then does the campaign run its final, empty batch. Its work is done: it
   * completes, it does not fail for a source it has nothing more to read from.
   */
  @Test
  void theSourceTakenAwayAfterItsLastDekMoved_beforeTheFinalBatch_theCampaignCompletes() {
    String kek = "pinned";
    Map<String, byte[]> plaintexts = kekWithDeks(kek);
    node.keys.rotate(NS, kek, true);
    RewrapCampaign c = node.campaigns.start(NS, kek, 1, null, null, "api");
    assertThat(node.runner.claim()).contains(c.id());
    for (int i = 0; i < DEKS / BATCH; i++) {
      node.runner.batch(c.id(), 0);
    }
    assertThat(store.deks().countWrapped(NS, kek, 1, 2)).isZero();
    assertThat(store.campaigns().find(c.id()).orElseThrow().state()).isEqualTo(CampaignState.RUNNING);

    assertThat(takeAway(kek, 1)).isEqualTo("DESTROY");
    node.runner.runToEnd(c.id());

    RewrapCampaign end = store.campaigns().find(c.id()).orElseThrow();
    assertThat(end.state()).as("%s: %s", end.state(), end.message()).isEqualTo(CampaignState.COMPLETED);
    assertThat(end.done()).isEqualTo(DEKS);
    assertEveryDekUsable(kek, plaintexts);
  }

  /**
   * The operator tries to take the source version v1 away while the campaign moves its DEKs to
   * v2: refused while any is left on it, and allowed once none is.
   */
  @Test
  void takingAwayTheSourceVersion_duringTheCampaign_isRefusedUntilItsDeksMoved() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String kek = "source" + round;
      Map<String, byte[]> plaintexts = kekWithDeks(kek);
      node.keys.rotate(NS, kek, true);
      RewrapCampaign c = node.campaigns.start(NS, kek, 1, null, null, "api");
      assertThat(node.runner.claim()).contains(c.id());

      // tried again and again while the campaign runs: refused until the last DEK has moved
      String took = race(c.id(), () -> {
        String got = takeAway(kek, 1);
        while (got.equals("none") && !runnerDone) {
          got = takeAway(kek, 1);
        }
        return got.equals("none") ? takeAway(kek, 1) : got;
      });
      outcomes.add("source " + took);
      assertThat(took).as("round %d: nothing needs version 1 any more", round).isEqualTo("DESTROY");

      RewrapCampaign end = store.campaigns().find(c.id()).orElseThrow();
      assertEveryDekUsable(kek, plaintexts);
      assertThat(end.state()).as("round %d: %s (%s), operator got to %s", round, end.state(), end.message(), took)
          .isEqualTo(CampaignState.COMPLETED);
      assertThat(end.done()).isEqualTo(DEKS);
      assertThat(store.deks().countWrapped(NS, kek, 1, 2)).isZero();
    }
  }

  /**
   * A cancelled campaign rolls its DEKs back to the source v1 while the operator takes v1 away: its
   * forward batches had moved every DEK (only the final, empty batch was left), so nothing needed
   * v1 when the rollback began. Either the operator goes first and the rollback fails with every
   * DEK still on v2, or the rollback does and the operator is refused.
   */
  @Test
  void takingAwayTheSourceVersion_duringARollback_neverStrandsADek() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String kek = "rollback" + round;
      Map<String, byte[]> plaintexts = kekWithDeks(kek);
      node.keys.rotate(NS, kek, true);
      RewrapCampaign c = node.campaigns.start(NS, kek, 1, null, null, "api");
      assertThat(node.runner.claim()).contains(c.id());
      for (int i = 0; i < DEKS / BATCH; i++) {
        node.runner.batch(c.id(), 0);
      }
      node.campaigns.cancel(NS, c.id());
      assertThat(node.runner.claim()).contains(c.id());

      String took = race(c.id(), () -> takeAway(kek, 1));
      outcomes.add("rollback " + took);

      RewrapCampaign end = store.campaigns().find(c.id()).orElseThrow();
      assertEveryDekUsable(kek, plaintexts);
      if (end.state() == CampaignState.CANCELLED) {
        assertThat(took).as("round %d: version 1 was taken away, yet the rollback finished", round)
            .isEqualTo("none");
        assertThat(end.rolledBack()).isEqualTo(DEKS);
        assertThat(store.deks().countWrapped(NS, kek, 2, 3)).isZero();
      } else {
        assertThat(end.state()).as("round %d", round).isEqualTo(CampaignState.FAILED);
        assertThat(end.message()).contains("cannot finish the rollback");
        assertThat(store.deks().countWrapped(NS, kek, 1, 2)).isZero();
      }
    }
  }
}
