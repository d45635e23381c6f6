package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.client.RekeyClient;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.server.RekeyServer;
import dev.rekey.store.AuditBlock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record changed directly in the SQLite file breaks {@code rekey audit verify}, which names its seq. */
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
}
