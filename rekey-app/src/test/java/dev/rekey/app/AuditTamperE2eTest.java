package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
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

      long target;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
          Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 10000");
        try (var rs = st.executeQuery("SELECT seq FROM audit_records WHERE action LIKE '%encrypt%' ORDER BY seq LIMIT 1 OFFSET 5")) {
          assertThat(rs.next()).isTrue();
          target = rs.getLong(1);
        }
        // an insider hides who did it: a plausible edit that leaves the stored hashes as they were
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_records SET principal = ? WHERE seq = ?")) {
          ps.setString(1, "nobody");
          ps.setLong(2, target);
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
}
