package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.core.audit.AuditChain;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import dev.rekey.server.RekeyServer;
import dev.rekey.store.AuditBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who can write the SQLite file tampers with the trail: {@code rekey audit verify} finds a
 * changed record by itself, and a trail rewritten, re-signed or cut back with its checkpoints
 * against the anchor the operator kept outside, or against what the running server remembers.
 */
class AuditTamperE2eTest {

  @Test
  void modifiedRecordIsFoundByTheCli(@TempDir Path dir) throws Exception {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
      client.createKey("ledger", null, null);
      for (int i = 0; i < 20; i++) {
        client.encrypt("ledger", new byte[] {(byte) i}, null);
      }
      E2e.Run intact = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(intact.exit()).as(intact.toString()).isZero();

      long target = -1;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
          Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 10000");
        // the 6th encrypt record, in whichever group commit (block) holds it
        long blockSeq = -1;
        List<AuditRecord> block = null;
        int seen = 0;
        try (var rs = st.executeQuery("SELECT first_seq, records FROM audit_blocks ORDER BY first_seq")) {
          while (target < 0 && rs.next()) {
            List<AuditRecord> records = AuditBlock.decode(rs.getLong(1), rs.getBytes(2));
            for (AuditRecord r : records) {
              if (r.event().action().contains("encrypt") && seen++ == 5) {
                target = r.seq();
                blockSeq = rs.getLong(1);
                block = records;
                break;
              }
            }
          }
        }
        assertThat(target).isPositive();
        // an insider hides who did it: a plausible edit that leaves the stored hashes as they were
        List<AuditRecord> edited = new ArrayList<>();
        for (AuditRecord r : block) {
          AuditEvent e = r.event();
          edited.add(r.seq() != target ? r : new AuditRecord(r.seq(), new AuditEvent(e.time(), e.requestId(), "nobody",
              e.tokenId(), e.action(), e.namespace(), e.keyName(), e.version(), e.outcome(), e.errorCode(),
              e.clientAddress(), e.details()), r.prevHash(), r.hash()));
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_blocks SET records = ? WHERE first_seq = ?")) {
          ps.setBytes(1, AuditBlock.encode(edited));
          ps.setLong(2, blockSeq);
          assertThat(ps.executeUpdate()).isEqualTo(1);
        }
      }

      E2e.Run broken = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(broken.exit()).as(broken.toString()).isNotZero().isEqualTo(3);
      assertThat(broken.out()).startsWith("Audit trail BROKEN at seq " + target + ":");

      E2e.Run json = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify", "--json");
      assertThat(json.exit()).isEqualTo(3);
      assertThat(json.out()).contains("\"first_broken_seq\" : " + target).contains("\"valid\" : false");
    }
  }

  /**
   * Someone who can write the database replaces the clear public key beside the trail (the first
   * step of re-signing a rewritten trail with a key of their own): verify trusts only the key the
   * root keyring unwraps, so the trail is reported broken.
   */
  @Test
  void replacedAuditPublicKeyIsFoundByTheCli(@TempDir Path dir) throws Exception {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
      client.createKey("ledger", null, null);
      assertThat(E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify").exit()).isZero();

      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
          PreparedStatement ps = c.prepareStatement("UPDATE system_values SET value = ? WHERE name = ?")) {
        c.createStatement().execute("PRAGMA busy_timeout = 10000");
        ps.setBytes(1, dev.rekey.core.audit.AuditSigningKey.generate().publicKey());
        ps.setString(2, dev.rekey.core.audit.AuditSigningKey.PUBLIC_NAME);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }

      E2e.Run broken = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(broken.exit()).as(broken.toString()).isEqualTo(3);
      assertThat(broken.out()).startsWith("Audit trail BROKEN at seq 1:").contains("root-wrapped signing key");
    }
  }

  /**
   * The operator keeps an anchor. While the server is down, the checkpoints are deleted, a record
   * is changed and every later hash recomputed; at its next start the server signs what it finds.
   * The trail then verifies on its own, but not against the anchor; nor does another server's trail.
   */
  @Test
  void anchorKeptOutside_findsATrailRewrittenAndResignedWhileTheServerWasDown(@TempDir Path dir, @TempDir Path keep,
      @TempDir Path otherDir) throws Exception {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
      client.createKey("ledger", null, null);
      for (int i = 0; i < 20; i++) {
        client.encrypt("ledger", new byte[] {(byte) i}, null);
      }
    } // stopping signs the tail
    Path anchor = keep.resolve("anchor.json");
    try (RekeyServer server = E2e.devServer(dir)) {
      E2e.Run taken = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "anchor", "--output", anchor.toString());
      assertThat(taken.exit()).as(taken.toString()).isZero();
      assertThat(taken.out()).startsWith("Anchor at seq ");
      assertThat(Files.readString(anchor)).contains("\"key_id\"", "\"signature\"");

      E2e.Run held = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify", "--anchor", anchor.toString());
      assertThat(held.exit()).as(held.toString()).isZero();
      assertThat(held.out()).contains("it holds the anchor at seq");
    }

    try (Connection c = sqlite(dir)) {
      try (Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("DELETE FROM audit_checkpoints")).isPositive();
      }
      rewriteFrom(c, 5, e -> new AuditEvent(e.time(), e.requestId(), "nobody", e.tokenId(), e.action(), e.namespace(),
          e.keyName(), e.version(), e.outcome(), e.errorCode(), e.clientAddress(), e.details()));
    }

    try (RekeyServer server = E2e.devServer(dir)) {
      // the gap the anchor closes: on its own the rewritten, re-signed trail is consistent
      E2e.Run alone = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(alone.exit()).as(alone.toString()).isZero();

      E2e.Run anchored = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify", "--anchor", anchor.toString());
      assertThat(anchored.exit()).as(anchored.toString()).isEqualTo(3);
      assertThat(anchored.out()).startsWith("Audit trail BROKEN at seq 1:").contains("does not match the anchor");

      E2e.Run json = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify", "--anchor", anchor.toString(),
          "--json");
      assertThat(json.exit()).isEqualTo(3);
      assertThat(json.out()).contains("\"valid\" : false").doesNotContain("\"anchor\"");

      E2e.Run renewed = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "anchor", "--anchor", anchor.toString(),
          "-o", anchor.toString());
      assertThat(renewed.exit()).isEqualTo(3);
    }

    try (RekeyServer other = E2e.devServer(otherDir)) {
      E2e.Run foreign = E2e.cli(other.url(), E2e.ROOT_TOKEN, null, "audit", "verify", "--anchor", anchor.toString());
      assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(3);
      assertThat(foreign.out()).startsWith("Audit trail BROKEN at seq 1:").contains("another server");
    }
  }

  /**
   * With no anchor kept: the trail is cut back to an earlier group commit, its checkpoints deleted
   * and the head moved, under a running server. The server remembers the checkpoint it signed, so
   * a plain {@code rekey audit verify} reports the cut.
   */
  @Test
  void trailCutBackUnderARunningServer_isFoundWithoutAnAnchor(@TempDir Path dir) throws Exception {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
      client.createKey("ledger", null, null);
      // a checkpoint is signed every 1,000 records (or minute)
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
          calls.add(CompletableFuture.runAsync(() -> client.encrypt("ledger", new byte[] {1}, null), pool));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
      } finally {
        pool.shutdownNow();
      }
      E2e.await("a signed checkpoint", Duration.ofSeconds(30), () -> client.verifyAudit().anchor() != null);
      AuditVerifyResponse before = client.verifyAudit();
      assertThat(before.valid()).isTrue();
      long signed = before.anchor().seq();

      long cut;
      try (Connection c = sqlite(dir)) {
        cut = cutBack(c, signed / 2);
      }
      assertThat(cut).isLessThan(signed);

      E2e.Run verify = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
      assertThat(verify.out()).startsWith("Audit trail BROKEN at seq " + (cut + 1) + ":")
          .contains("this server's checkpoint at seq ", "but the trail ends at seq " + cut);
    }
  }

  private static Connection sqlite(Path dir) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  /** Applies {@code change} to record {@code target}, recomputes every hash from there on, block by block, and moves the head. */
  private static void rewriteFrom(Connection c, long target, java.util.function.UnaryOperator<AuditEvent> change)
      throws Exception {
    List<Long> firsts = new ArrayList<>();
    List<List<AuditRecord>> blocks = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT first_seq, records FROM audit_blocks ORDER BY first_seq")) {
      while (rs.next()) {
        firsts.add(rs.getLong(1));
        blocks.add(AuditBlock.decode(rs.getLong(1), rs.getBytes(2)));
      }
    }
    String prev = ChainHead.GENESIS_HASH;
    try (PreparedStatement update = c.prepareStatement("UPDATE audit_blocks SET records = ? WHERE first_seq = ?")) {
      for (int b = 0; b < blocks.size(); b++) {
        List<AuditRecord> rewritten = new ArrayList<>();
        for (AuditRecord r : blocks.get(b)) {
          AuditEvent e = r.seq() == target ? change.apply(r.event()) : r.event();
          String hash = r.seq() < target ? r.hash() : AuditChain.hash(prev, r.seq(), e);
          rewritten.add(new AuditRecord(r.seq(), e, prev, hash));
          prev = hash;
        }
        update.setBytes(1, AuditBlock.encode(rewritten));
        update.setLong(2, firsts.get(b));
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
    }
    moveHead(c, blocks.get(blocks.size() - 1).get(blocks.get(blocks.size() - 1).size() - 1).seq(), prev);
  }

  /** Deletes every group commit after the one holding {@code seq}, and every checkpoint after it; returns the new head. */
  private static long cutBack(Connection c, long seq) throws Exception {
    long first;
    List<AuditRecord> block;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT first_seq, records FROM audit_blocks WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        first = rs.getLong(1);
        block = AuditBlock.decode(first, rs.getBytes(2));
      }
    }
    AuditRecord last = block.get(block.size() - 1);
    c.setAutoCommit(false);
    try (PreparedStatement blocks = c.prepareStatement("DELETE FROM audit_blocks WHERE first_seq > ?");
        PreparedStatement checkpoints = c.prepareStatement("DELETE FROM audit_checkpoints WHERE seq > ?")) {
      blocks.setLong(1, first);
      assertThat(blocks.executeUpdate()).isPositive();
      checkpoints.setLong(1, last.seq());
      assertThat(checkpoints.executeUpdate()).isPositive();
      moveHead(c, last.seq(), last.hash());
      c.commit();
    }
    return last.seq();
  }

  private static void moveHead(Connection c, long seq, String hash) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, hash);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }
}
