package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.api.SecretPutRequest;
import dev.rekey.api.TokenView;
import dev.rekey.api.UpdateKeyRequest;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.client.VersionAction;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.store.StoreConfig;
import dev.rekey.store.testing.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database: how long node B keeps using what node A took away (a key
 * version disabled, revoked, emergency-rotated, below a raised minimum; a secret version; a
 * token), while B is kept busy with it the whole time. B must stop within its cache TTL (keys and
 * secrets) or the token cache's five seconds, plus slack for a loaded machine; never indefinitely.
 */
class TwoNodeRevocationPostgresE2eTest {
  private static final Duration TTL = Duration.ofMillis(300);
  private static final Duration TOKEN_TTL = Duration.ofSeconds(5);
  /** Scheduling slack on top of a bound (slow CI machines); a cache that never expires blows through it. */
  private static final Duration SLACK = Duration.ofSeconds(3);
  private static final byte[] P = "payload".getBytes(StandardCharsets.UTF_8);

  @TempDir
  static Path dir;
  private static RekeyServer a;
  private static RekeyServer b;
  private static String rootToken;
  private static RekeyClient nodeA;
  private static RekeyClient nodeB;

  @BeforeAll
  static void start() throws Exception {
    StoreConfig db = EmbeddedPostgres.shared().freshDatabase();
    ServerConfig.StorageSettings storage = new ServerConfig.StorageSettings(db.jdbcUrl(), db.user(), db.password());
    ServerConfig.SealSettings seal = new ServerConfig.SealSettings("file", dir.resolve("seal/root.key"), null, null,
        null, null);
    a = RekeyServer.start(E2e.config(Files.createDirectories(dir.resolve("a")), storage, seal, TTL));
    rootToken = E2e.client(a, null).init(null, null).rootToken();
    b = RekeyServer.start(E2e.config(Files.createDirectories(dir.resolve("b")), storage, seal, TTL));
    nodeA = E2e.client(a, rootToken);
    nodeB = E2e.client(b, rootToken);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void disablingAVersionOnAStopsDecryptionOnBWithinTheTtl() {
    String c1 = oldCiphertext("disable-me");
    nodeA.versionAction("disable-me", 1, VersionAction.DISABLE);
    assertStopsWithin(TTL, "B decrypting under a version A disabled",
        () -> nodeB.decrypt("disable-me", c1, null) != null);
  }

  @Test
  void revokingAVersionOnAStopsDecryptionOnBWithinTheTtl() {
    String c1 = oldCiphertext("revoke-me");
    nodeA.versionAction("revoke-me", 1, VersionAction.REVOKE);
    assertStopsWithin(TTL, "B decrypting under a version A revoked",
        () -> nodeB.decrypt("revoke-me", c1, null) != null);
  }

  @Test
  void raisingTheMinimumDecryptionVersionOnAStopsDecryptionOnBWithinTheTtl() {
    String c1 = oldCiphertext("raise-min");
    nodeA.updateKey("raise-min", new UpdateKeyRequest(2, null, null));
    assertStopsWithin(TTL, "B decrypting below the minimum A raised",
        () -> nodeB.decrypt("raise-min", c1, null) != null);
  }

  @Test
  void emergencyRotationOnAStopsEncryptionAndDecryptionUnderTheRevokedPrimaryOnB() {
    nodeA.createKey("compromised", null, null);
    String c1 = nodeA.encrypt("compromised", P, null).ciphertext();
    assertThat(nodeB.encrypt("compromised", P, null).version()).isEqualTo(1);
    assertThat(nodeB.decrypt("compromised", c1, null)).isEqualTo(P);
    nodeA.emergencyRotate("compromised");
    assertStopsWithin(TTL, "B encrypting with the primary A revoked",
        () -> nodeB.encrypt("compromised", P, null).version() == 1);
    assertStopsWithin(TTL, "B decrypting under the primary A revoked",
        () -> nodeB.decrypt("compromised", c1, null) != null);
  }

  @Test
  void rotationOnAReachesEncryptionOnBWithinTheTtl() {
    nodeA.createKey("rotated", null, null);
    assertThat(nodeB.encrypt("rotated", P, null).version()).isEqualTo(1);
    nodeA.rotateKey("rotated", true);
    assertStopsWithin(TTL, "B encrypting with the old primary after A rotated",
        () -> nodeB.encrypt("rotated", P, null).version() == 1);
  }

  @Test
  void revokingASecretVersionOnAStopsReadsOnBWithinTheTtl() {
    nodeA.secrets().put("db-password", "one");
    nodeA.secrets().put("db-password", "two");
    assertThat(nodeB.secrets().read("db-password", null, 1).version()).isEqualTo(1);
    nodeA.secrets().versionAction("db-password", 1, VersionAction.REVOKE, null);
    assertStopsWithin(TTL, "B serving a secret version A revoked",
        () -> nodeB.secrets().read("db-password", null, 1) != null);
  }

  @Test
  void aSecretWriteOnAReachesReadsOnBWithinTheTtl() {
    nodeA.secrets().put("api-key", "one");
    assertThat(nodeB.secrets().current("api-key")).isEqualTo("one");
    nodeA.secrets().put("api-key", "two");
    nodeA.secrets().put("api-key", "three");
    assertStopsWithin(TTL, "B serving a value older than the acknowledged write",
        () -> !nodeB.secrets().current("api-key").equals("three"));
  }

  @Test
  void checkAndSetFromBothNodesLetsOneWriterWinEachRound() throws Exception {
    nodeA.secrets().put("contended", "v1");
    nodeB.secrets().read("contended", null, null); // B holds a cached copy that goes stale below
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= 20; round++) {
        int cas = round;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> puts = pool.invokeAll(List.of(casPut(nodeA, cas, start, "a" + round),
            casPut(nodeB, cas, start, "b" + round)));
        int won = 0;
        for (Future<Boolean> f : puts) {
          won += f.get() ? 1 : 0;
        }
        assertThat(won).as("round %d: puts with cas %d that succeeded", round, cas).isEqualTo(1);
        assertThat(nodeA.secrets().metadata("contended").currentVersion()).isEqualTo(round + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void revokingATokenOnAStopsItOnBWithinFiveSeconds() {
    TokenView t = nodeA.createToken("svc", List.of(new GrantView("crypto-user", "default", "*")), null);
    nodeA.createKey("token-use", null, null);
    RekeyClient svcOnB = E2e.client(b, t.token());
    assertThat(svcOnB.encrypt("token-use", P, null).version()).isEqualTo(1);
    nodeA.revokeToken(t.id());
    assertStopsWithin(TOKEN_TTL, "B accepting a token A revoked",
        () -> svcOnB.encrypt("token-use", P, null) != null);
  }

  private static Callable<Boolean> casPut(RekeyClient node, int cas, CyclicBarrier start, String value) {
    return () -> {
      start.await();
      try {
        node.secrets().put("contended", new SecretPutRequest(value, null, cas, null, null, null, null));
        return true;
      } catch (RekeyClientException e) {
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION);
        return false;
      }
    };
  }

  /** Key {@code name} rotated once on A, with a version 1 ciphertext that B has decrypted (and cached). */
  private static String oldCiphertext(String name) {
    nodeA.createKey(name, null, null);
    String c1 = nodeA.encrypt(name, P, null).ciphertext();
    nodeA.rotateKey(name, true);
    assertThat(nodeB.decrypt(name, c1, null)).isEqualTo(P);
    return c1;
  }

  /**
   * Asks {@code stillAllowed} of B back to back (the cache entry is in use the whole time) until it
   * answers false or B refuses the request, then a while longer to see that it stays that way;
   * fails when that took longer than {@code bound} plus slack.
   */
  private static void assertStopsWithin(Duration bound, String what, Use stillAllowed) {
    long t0 = System.nanoTime();
    long giveUp = t0 + bound.plus(SLACK).plusSeconds(2).toNanos();
    long stoppedAfter = -1;
    int uses = 0;
    while (System.nanoTime() < giveUp) {
      boolean allowed;
      try {
        allowed = stillAllowed.allowed();
      } catch (RekeyClientException e) {
        allowed = false;
      }
      long now = System.nanoTime();
      if (allowed) {
        uses++;
        assertThat(stoppedAfter).as(what + ": allowed again after it had stopped").isNegative();
      } else if (stoppedAfter < 0) {
        stoppedAfter = now - t0;
      } else if (now - t0 > stoppedAfter + Duration.ofMillis(500).toNanos()) {
        break;
      }
    }
    System.out.printf("%s: stopped after %d ms (%d uses before)%n", what, stoppedAfter / 1_000_000, uses);
    assertThat(stoppedAfter).as(what + ": still allowed after %s (%d uses)", bound.plus(SLACK).plusSeconds(2), uses)
        .isNotNegative();
    assertThat(Duration.ofNanos(stoppedAfter)).as(what + ": stopped after").isLessThanOrEqualTo(bound.plus(SLACK));
  }

  @FunctionalInterface
  private interface Use {
    /** True while B still does what it should have stopped doing; a refusal (an exception) counts as false. */
    boolean allowed();
  }
}
