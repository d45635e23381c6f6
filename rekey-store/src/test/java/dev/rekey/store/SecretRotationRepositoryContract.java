package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.RotationStep;
import dev.rekey.core.secret.rotation.SecretRotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The SecretRotationRepository contract, run on every dialect. */
abstract class SecretRotationRepositoryContract extends StoreContract {

  private SecretRotationRepository repo() {
    return store.secretRotations();
  }

  private static SecretRotation run(String id, String secret) {
    return SecretRotation.start(id, "default", secret, "generated", "manual", T0);
  }

  @Test
  void config_roundTrips_andDueOnesComeOldestFirst() {
    RotationConfig a = new RotationConfig("default", "a", "generated", Map.of("length", "40"), Duration.ofDays(30),
        Duration.ofDays(7), t(5));
    RotationConfig b = new RotationConfig("default", "b", "postgresql", Map.of(), null, null, t(2));
    RotationConfig c = new RotationConfig("default", "c", "generated", Map.of(), null, null, null);
    repo().putConfig(a);
    repo().putConfig(b);
    repo().putConfig(c);

    assertThat(repo().config("default", "a")).contains(a);
    assertThat(repo().dueConfigs(t(10), 10)).containsExactly(b, a);
    assertThat(repo().dueConfigs(t(3), 10)).containsExactly(b);
    repo().putConfig(a.withNextDueAt(t(20)));
    assertThat(repo().config("default", "a").orElseThrow().nextDueAt()).isEqualTo(t(20));
    assertThat(repo().deleteConfig("default", "b")).isTrue();
    assertThat(repo().deleteConfig("default", "b")).isFalse();
  }

  @Test
  void claimConfig_movesTheDueTimeOnlyFromTheOneItWasReadWith() {
    RotationConfig a = new RotationConfig("default", "a", "generated", Map.of(), Duration.ofDays(30), null, t(5));
    repo().putConfig(a);

    assertThat(repo().claimConfig("default", "a", t(5), t(100))).isTrue();
    assertThat(repo().claimConfig("default", "a", t(5), t(200))).as("another node read it due at t(5) too").isFalse();
    assertThat(repo().config("default", "a").orElseThrow().nextDueAt()).isEqualTo(t(100));
    assertThat(repo().claimConfig("default", "a", t(100), null)).isTrue();
    assertThat(repo().config("default", "a").orElseThrow().nextDueAt()).isNull();
    assertThat(repo().claimConfig("default", "missing", t(5), t(6))).isFalse();
  }

  @Test
  void rescheduleConfig_setsOnlyTheDueTime_andNeverBringsBackADeletedConfig() {
    RotationConfig a = new RotationConfig("default", "a", "generated", Map.of("length", "40"), Duration.ofDays(30),
        null, t(5));
    repo().putConfig(a);
    // another writer replaced the configuration since the scheduler read it
    RotationConfig replaced = new RotationConfig("default", "a", "dual-key", Map.of(), Duration.ofDays(7), null, t(5));
    repo().putConfig(replaced);

    assertThat(repo().rescheduleConfig("default", "a", t(50))).isTrue();
    assertThat(repo().config("default", "a")).contains(replaced.withNextDueAt(t(50)));
    assertThat(repo().rescheduleConfig("default", "a", null)).isTrue();
    assertThat(repo().config("default", "a").orElseThrow().nextDueAt()).isNull();

    assertThat(repo().deleteConfig("default", "a")).isTrue();
    assertThat(repo().rescheduleConfig("default", "a", t(60))).isFalse();
    assertThat(repo().config("default", "a")).isEmpty();
  }

  @Test
  void oneRunningRotationPerSecret_andANewOneAfterItEnds() {
    repo().insert(run("r1", "db"));
    assertThatThrownBy(() -> repo().insert(run("r2", "db")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    repo().insert(run("r3", "other"));

    SecretRotation leased = repo().claimDue(T0, "n1", t(1), 10).stream().filter(r -> r.id().equals("r1"))
        .findFirst().orElseThrow();
    SecretRotation done = leased.advanced(2, t(0)).advanced(null, t(0)).advanced(null, t(0)).advanced(null, t(0));
    assertThat(done.status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(repo().update(done, "n1")).isTrue();

    repo().insert(run("r4", "db"));
    assertThat(repo().running("default", "db").orElseThrow().id()).isEqualTo("r4");
    assertThat(repo().find("r1")).contains(done);
    assertThat(repo().history("default", "db", 10)).extracting(SecretRotation::id).containsExactlyInAnyOrder("r1", "r4");
  }

  @Test
  void claimDue_leasesEachRotationToOneOwner_untilTheLeaseExpires() {
    repo().insert(run("r1", "a"));
    repo().insert(run("r2", "b"));

    assertThat(repo().claimDue(T0, "n1", t(1), 10)).extracting(SecretRotation::id).containsExactlyInAnyOrder("r1", "r2");
    assertThat(repo().claimDue(T0, "n2", t(1), 10)).isEmpty();
    // a restarted owner releases what it held before the crash; then anyone may claim
    assertThat(repo().releaseAll("n1")).isEqualTo(2);
    assertThat(repo().claimDue(T0, "n1", t(1), 10)).hasSize(2);
    SecretRotation r1 = repo().find("r1").orElseThrow();
    assertThat(repo().update(r1.failed("boom", T0, T0), "n2")).isFalse();
    assertThat(repo().update(r1.failed("boom", T0, T0), "n1")).isTrue();

    repo().release("r1", "n1");
    assertThat(repo().claimDue(T0, "n2", t(1), 10)).extracting(SecretRotation::id).containsExactly("r1");
    // n1's lease on r2 expires at t(1): then n2 takes it over and n1 can no longer write
    assertThat(repo().claimDue(t(1), "n2", t(2), 10)).extracting(SecretRotation::id).contains("r2");
    assertThat(repo().update(repo().find("r2").orElseThrow().advanced(7, t(1)), "n1")).isFalse();
    assertThat(repo().find("r2").orElseThrow().step()).isEqualTo(RotationStep.CREATE);
  }

  @Test
  void renew_extendsTheOwnersLease_soNoOtherNodeClaimsIt() {
    repo().insert(run("r1", "a"));
    assertThat(repo().claimDue(T0, "n1", t(1), 10)).hasSize(1);

    assertThat(repo().renew("r1", "n1", t(0), t(5))).isTrue();
    assertThat(repo().claimDue(t(1), "n2", t(6), 10)).as("the old lease's end has passed, the renewed one's not")
        .isEmpty();
    assertThat(repo().renew("r1", "n1", t(4), t(8))).isTrue();
    assertThat(repo().claimDue(t(5), "n2", t(9), 10)).isEmpty();
    assertThat(repo().update(repo().find("r1").orElseThrow().advanced(7, t(5)), "n1")).isTrue();
    // once the renewed lease has run out, another node may claim it
    assertThat(repo().claimDue(t(8), "n2", t(9), 10)).extracting(SecretRotation::id).containsExactly("r1");
  }

  @Test
  void renew_neverShortensTheLease() {
    repo().insert(run("r1", "a"));
    assertThat(repo().claimDue(T0, "n1", t(5), 10)).hasSize(1);

    // the owner's clock stepped back: it asks for an end before the one it holds
    assertThat(repo().renew("r1", "n1", t(0), t(2))).isTrue();

    assertThat(repo().claimDue(t(3), "n2", t(9), 10)).as("the lease still ends at t(5)").isEmpty();
    assertThat(repo().claimDue(t(5), "n2", t(9), 10)).extracting(SecretRotation::id).containsExactly("r1");
  }

  @Test
  void releaseAll_ofANameNoNodeHas_releasesNothing_andIsNoError() {
    repo().insert(run("r1", "a"));
    assertThat(repo().claimDue(T0, "n1", t(5), 10)).hasSize(1);

    assertThat(repo().releaseAll("h/never-started")).isZero();
    assertThat(repo().claimDue(t(1), "n2", t(9), 10)).isEmpty();
  }

  @Test
  void renew_refusesAnotherOwner_anExpiredLease_andARotationNobodyHolds() {
    repo().insert(run("r1", "a"));
    repo().insert(run("r2", "b"));
    repo().claimDue(T0, "n1", t(2), 10);

    assertThat(repo().renew("r1", "n2", t(1), t(5))).as("another owner").isFalse();
    assertThat(repo().claimDue(t(1), "n2", t(5), 10)).as("n2 did not get the lease by renewing").isEmpty();
    assertThat(repo().renew("r1", "n1", t(2), t(5))).as("expired at t(2), nobody claimed it yet").isFalse();
    assertThat(repo().renew("r1", "n1", t(3), t(5))).as("expired").isFalse();
    assertThat(repo().claimDue(t(2), "n2", t(5), 10)).as("refused renewals left the leases expired")
        .extracting(SecretRotation::id).containsExactlyInAnyOrder("r1", "r2");
    assertThat(repo().renew("r2", "n1", t(3), t(6))).as("taken over by n2").isFalse();
    assertThat(repo().renew("r2", "n2", t(3), t(6))).isTrue();

    repo().release("r1", "n2");
    assertThat(repo().renew("r1", "n2", t(3), t(6))).as("released").isFalse();
    assertThat(repo().renew("missing", "n2", t(3), t(6))).isFalse();
    assertThat(repo().releaseAll("n2")).as("only r2 is still held").isEqualTo(1);
    assertThat(repo().renew("r2", "n2", t(3), t(7))).as("released by a restart").isFalse();
  }

  @Test
  void claimDue_respectsTheNextAttemptTime() {
    repo().insert(run("r1", "a"));
    List<SecretRotation> leased = repo().claimDue(T0, "n1", t(1), 10);
    repo().update(leased.get(0).failed("later", t(3), T0), "n1");
    repo().release("r1", "n1");

    assertThat(repo().claimDue(t(2), "n1", t(4), 10)).isEmpty();
    assertThat(repo().claimDue(t(3), "n1", t(4), 10)).hasSize(1);
  }

  @Test
  void concurrentClaims_neverHandTheSameRotationToTwoOwners() throws Exception {
    for (int i = 0; i < 40; i++) {
      repo().insert(run("r" + i, "s" + i));
    }
    List<String> claimed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String owner = "n" + w;
      workers.add(CompletableFuture.runAsync(() -> {
        for (int round = 0; round < 10; round++) {
          repo().claimDue(T0, owner, t(1), 3).forEach(r -> claimed.add(r.id()));
        }
      }));
    }
    CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();

    assertThat(claimed).hasSize(40).doesNotHaveDuplicates();
  }
}
