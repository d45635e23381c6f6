package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.rotation.GeneratedRotator;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.core.service.SecretRotationService;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes running the secret rotation worker against one database: a scheduled rotation starts
 * once, however the two nodes' ticks interleave. Every dialect (on SQLite two stores on one file).
 */
abstract class SecretRotationNodesContract extends StoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final SecretRotationService.SecretReadAccess ANYONE = (namespace, secret) -> true;

  MutableClock clock;
  RootKeyring ring;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    ring = RootKeyring.generate(T0);
  }

  /** One node: its own store on the shared database, secret service and rotation worker. */
  private final class Node {
    final SecretService secrets;
    final SecretRotationService rotations;

    Node(Store s, SecretRotationRepository runs, String id) {
      secrets = new SecretService(s.secrets(), s.transactions(), s.events(), () -> ring, clock, Duration.ofDays(7));
      rotations = new SecretRotationService(secrets, runs, s.transactions(), s.events(),
          List.of(new GeneratedRotator()), clock, id, Duration.ofHours(1));
    }
  }

  @Test
  void aScheduledRotationThatOneNodeFinishedWhileTheOtherWasStartingIt_runsOnce() {
    Node a = new Node(store, store.secretRotations(), "node-a");
    Store other = open(config);
    // Node B reads the due configurations, then (before it starts any) node A runs its whole tick:
    // it starts the same due rotation and runs it to the end.
    Runnable[] meanwhile = {null};
    SecretRotationRepository bRuns = new Interleaved(other.secretRotations(), () -> {
      Runnable r = meanwhile[0];
      meanwhile[0] = null;
      if (r != null) {
        r.run();
      }
    });
    Node b = new Node(other, bRuns, "node-b");

    a.secrets.put("default", "api", "v1".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    a.rotations.configure(new RotationConfig("default", "api", "generated", Map.of(), Duration.ofDays(30), null, null),
        ANYONE);
    clock.advance(Duration.ofDays(30));
    meanwhile[0] = () -> assertThat(a.rotations.runDue(10)).as("steps node A ran").isEqualTo(4);

    b.rotations.runDue(10);
    a.rotations.runDue(10);

    List<SecretRotation> history = store.secretRotations().history("default", "api", 10);
    assertThat(history).as("rotations of the one scheduled start").hasSize(1);
    assertThat(history.get(0).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(store.secrets().find("default", "api").orElseThrow().latestVersion())
        .as("one new version, not two").isEqualTo(2);
    assertThat(store.secretRotations().config("default", "api").orElseThrow().nextDueAt())
        .isEqualTo(clock.instant().plus(Duration.ofDays(30)));
  }

  /** The node's real repository, with {@code afterDueRead} run once the due configurations were read. */
  private static final class Interleaved implements SecretRotationRepository {
    private final SecretRotationRepository real;
    private final Runnable afterDueRead;

    Interleaved(SecretRotationRepository real, Runnable afterDueRead) {
      this.real = real;
      this.afterDueRead = afterDueRead;
    }

    @Override
    public List<RotationConfig> dueConfigs(Instant now, int limit) {
      List<RotationConfig> due = real.dueConfigs(now, limit);
      afterDueRead.run();
      return due;
    }

    @Override
    public boolean claimConfig(String namespace, String secret, Instant expectedDueAt, Instant nextDueAt) {
      return real.claimConfig(namespace, secret, expectedDueAt, nextDueAt);
    }

    @Override
    public void putConfig(RotationConfig config) {
      real.putConfig(config);
    }

    @Override
    public Optional<RotationConfig> config(String namespace, String secret) {
      return real.config(namespace, secret);
    }

    @Override
    public boolean deleteConfig(String namespace, String secret) {
      return real.deleteConfig(namespace, secret);
    }

    @Override
    public boolean rescheduleConfig(String namespace, String secret, Instant nextDueAt) {
      return real.rescheduleConfig(namespace, secret, nextDueAt);
    }

    @Override
    public void insert(SecretRotation rotation) {
      real.insert(rotation);
    }

    @Override
    public Optional<SecretRotation> find(String id) {
      return real.find(id);
    }

    @Override
    public Optional<SecretRotation> running(String namespace, String secret) {
      return real.running(namespace, secret);
    }

    @Override
    public List<SecretRotation> history(String namespace, String secret, int limit) {
      return real.history(namespace, secret, limit);
    }

    @Override
    public List<SecretRotation> runningOrFailed(int limit) {
      return real.runningOrFailed(limit);
    }

    @Override
    public List<SecretRotation> claimDue(Instant now, String owner, Instant leaseUntil, int limit) {
      return real.claimDue(now, owner, leaseUntil, limit);
    }

    @Override
    public boolean renew(String id, String owner, Instant now, Instant leaseUntil) {
      return real.renew(id, owner, now, leaseUntil);
    }

    @Override
    public boolean update(SecretRotation rotation, String owner) {
      return real.update(rotation, owner);
    }

    @Override
    public int releaseAll(String owner) {
      return real.releaseAll(owner);
    }

    @Override
    public void release(String id, String owner) {
      real.release(id, owner);
    }
  }
}
