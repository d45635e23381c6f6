package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.store.StoreConfig;
import dev.rekey.store.testing.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stateless nodes on one PostgreSQL database with a shared file seal key. */
class TwoNodePostgresE2eTest {

  @Test
  void nodesShareKeysRotationsAndOneAuditChain(@TempDir Path dir) throws Exception {
    StoreConfig db = EmbeddedPostgres.shared().freshDatabase();
    ServerConfig.StorageSettings storage = new ServerConfig.StorageSettings(db.jdbcUrl(), db.user(), db.password());
    ServerConfig.SealSettings seal = new ServerConfig.SealSettings("file", dir.resolve("seal/root.key"), null, null, null, null);
    Path dirA = Files.createDirectories(dir.resolve("a"));
    Path dirB = Files.createDirectories(dir.resolve("b"));
    Duration ttl = Duration.ofMillis(200);

    try (RekeyServer a = RekeyServer.start(E2e.config(dirA, storage, seal, ttl))) {
      RekeyClient anonymousA = E2e.client(a, null);
      assertThat(anonymousA.health().status()).isEqualTo("uninitialized");
      String rootToken = anonymousA.init(null, null).rootToken();
      assertThat(anonymousA.health().status()).isEqualTo("ok");

      try (RekeyServer b = RekeyServer.start(E2e.config(dirB, storage, seal, ttl))) {
        RekeyClient nodeA = E2e.client(a, rootToken);
        RekeyClient nodeB = E2e.client(b, rootToken);
        assertThat(nodeB.health().status()).as("B unseals itself with the shared file seal").isEqualTo("ok");

        nodeA.createKey("shared", null, null);
        byte[] p1 = "written on A".getBytes(StandardCharsets.UTF_8);
        String c1 = nodeA.encrypt("shared", p1, null).ciphertext();
        assertThat(nodeB.decrypt("shared", c1, null)).isEqualTo(p1);

        nodeA.encrypt("shared", p1, null); // A's copy of the key is fresh (version 1 only)
        assertThat(nodeB.rotateKey("shared", true).primaryVersion()).isEqualTo(2);
        // B knows at once; A learns within its cache TTL
        String fromB = nodeB.encrypt("shared", p1, null).ciphertext();
        assertThat(fromB).startsWith("rekey:v2:");
        // a version A's copy lacks: A reloads the key (on a worker thread, never on its event loop)
        assertThat(nodeA.decrypt("shared", fromB, null)).isEqualTo(p1);
        E2e.await("node A encrypts with version 2", Duration.ofSeconds(20),
            () -> nodeA.encrypt("shared", p1, null).version() == 2);
        byte[] p2 = "written on A after the rotation on B".getBytes(StandardCharsets.UTF_8);
        String c2 = nodeA.encrypt("shared", p2, null).ciphertext();
        assertThat(c2).startsWith("rekey:v2:");
        assertThat(nodeB.decrypt("shared", c2, null)).isEqualTo(p2);
        assertThat(nodeA.decrypt("shared", c1, null)).isEqualTo(p1);

        // a token made on one node works on the other
        assertThat(nodeB.getKey("shared").latestVersion()).isEqualTo(2);

        // interleave audited requests on both nodes, then both see one valid chain
        for (int i = 0; i < 20; i++) {
          (i % 2 == 0 ? nodeA : nodeB).encrypt("shared", new byte[] {(byte) i}, null);
        }
        AuditVerifyResponse onA = nodeA.verifyAudit();
        AuditVerifyResponse onB = nodeB.verifyAudit();
        assertThat(onA.valid()).as(onA.toString()).isTrue();
        assertThat(onB.valid()).as(onB.toString()).isTrue();
        assertThat(onA.records()).isGreaterThan(25);
        assertThat(nodeA.auditRecords(1L, 1000).records()).extracting(r -> r.seq())
            .as("one gapless sequence").isSortedAccordingTo(Long::compare)
            .first().isEqualTo(1L);
        E2e.Run cliVerify = E2e.cli(b.url(), rootToken, null, "audit", "verify");
        assertThat(cliVerify.exit()).as(cliVerify.toString()).isZero();

        // the root key rotated on A: B keeps working on old and new material, and what B wraps
        // afterwards (a new key, a new version) A can use, and the other way round
        E2e.Run rotateRoot = E2e.cli(a.url(), rootToken, null, "operator", "rotate-root");
        assertThat(rotateRoot.exit()).as(rotateRoot.toString()).isZero();
        assertThat(nodeB.decrypt("shared", c1, null)).isEqualTo(p1);
        assertThat(nodeB.decrypt("shared", c2, null)).isEqualTo(p2);
        nodeB.createKey("made-on-b", null, null);
        String c3 = nodeB.encrypt("made-on-b", p2, null).ciphertext();
        assertThat(nodeA.decrypt("made-on-b", c3, null)).isEqualTo(p2);
        assertThat(nodeB.rotateKey("shared", true).primaryVersion()).isEqualTo(3);
        E2e.await("node A encrypts with version 3", Duration.ofSeconds(20),
            () -> nodeA.encrypt("shared", p1, null).version() == 3);
        String c4 = nodeA.encrypt("shared", p1, null).ciphertext();
        assertThat(nodeB.decrypt("shared", c4, null)).isEqualTo(p1);
        nodeA.createKey("made-on-a", null, null);
        String c5 = nodeA.encrypt("made-on-a", p1, null).ciphertext();
        assertThat(nodeB.decrypt("made-on-a", c5, null)).isEqualTo(p1);
        assertThat(nodeA.verifyAudit().valid()).isTrue();
        assertThat(nodeB.verifyAudit().valid()).isTrue();
      }
    }
  }
}
