package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage per key version through the real server and the CLI: v1 encrypts, rotation, v2 encrypts,
 * v1 ciphertext is decrypted; the periodic flush stores exactly those counts, {@code key show}
 * shows them (text and JSON), and a restarted server still does.
 */
class UsageTrackingE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static RekeyServer start(Path dir) {
    return RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dir, E2e.ROOT_TOKEN)
        .withUsage(new ServerConfig.UsageSettings(Duration.ofMillis(200), false)));
  }

  private static E2e.Run rekey(RekeyServer s, String stdin, String... args) {
    E2e.Run run = E2e.cli(s.url(), E2e.ROOT_TOKEN, stdin, args);
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  /** What the flusher has stored: "v1 encrypt" -> count, read straight from the database file. */
  private static Map<String, Long> stored(Path dir, String key) {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
        PreparedStatement ps = c.prepareStatement(
            "SELECT version, operation, use_count FROM key_version_usage WHERE key_name = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put("v" + rs.getInt(1) + " " + rs.getString(2), rs.getLong(3));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot read the usage table", e);
    }
    return out;
  }

  @Test
  void encryptRotateDecrypt_countsExactPerVersion_inKeyShowAfterFlushAndRestart() throws Exception {
    Map<String, Long> expected = Map.of("v1 encrypt", 3L, "v2 encrypt", 2L, "v1 decrypt", 2L, "v2 decrypt", 1L);
    try (RekeyServer server = start(dir)) {
      rekey(server, null, "key", "create", "orders");
      String v1 = null;
      for (int i = 0; i < 3; i++) {
        v1 = rekey(server, "card " + i, "encrypt", "orders").line();
      }
      assertThat(v1).startsWith("rekey:v1:");
      rekey(server, null, "key", "rotate", "orders");
      String v2 = rekey(server, "card 3", "encrypt", "orders").line();
      rekey(server, "card 4", "encrypt", "orders");
      assertThat(v2).startsWith("rekey:v2:");
      assertThat(rekey(server, v1 + "\n", "decrypt", "orders").out()).isEqualTo("card 2");
      rekey(server, v1 + "\n", "decrypt", "orders");
      rekey(server, v2 + "\n", "decrypt", "orders");

      E2e.await("the flusher stores the counts", Duration.ofSeconds(30), () -> stored(dir, "orders").equals(expected));

      JsonNode json = JSON.readTree(rekey(server, null, "key", "show", "orders", "--json").out());
      assertUsage(json, 0, 3, 2);
      assertUsage(json, 1, 2, 1);
      assertThat(json.at("/versions/0/usage/last_used_at").asText()).isNotEmpty();

      String text = rekey(server, null, "key", "show", "orders").out();
      assertThat(text).contains("VERSION  ENCRYPT  DECRYPT  REWRAP  DATAKEY  LAST-USED");
      assertThat(text).containsPattern("(?m)^v1 +3 +2 +0 +0 +20\\d\\d-");
      assertThat(text).containsPattern("(?m)^v2 +2 +1 +0 +0 +20\\d\\d-");
    }
    assertThat(stored(dir, "orders")).isEqualTo(expected);
    try (RekeyServer restarted = start(dir)) {
      JsonNode json = JSON.readTree(rekey(restarted, null, "key", "show", "orders", "--json").out());
      assertUsage(json, 0, 3, 2);
      assertUsage(json, 1, 2, 1);
      String text = rekey(restarted, null, "key", "show", "orders").out();
      assertThat(text).containsPattern("(?m)^v1 +3 +2 +0 +0 +20\\d\\d-");
    }
  }

  private static void assertUsage(JsonNode key, int index, long encrypt, long decrypt) {
    JsonNode usage = key.at("/versions/" + index + "/usage");
    assertThat(usage.get("encrypt").asLong()).as("v%d encrypt", index + 1).isEqualTo(encrypt);
    assertThat(usage.get("decrypt").asLong()).as("v%d decrypt", index + 1).isEqualTo(decrypt);
    assertThat(usage.get("rewrap").asLong()).isZero();
  }
}
