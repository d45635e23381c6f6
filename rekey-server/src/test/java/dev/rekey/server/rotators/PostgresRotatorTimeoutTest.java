package dev.rekey.server.rotators;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rekey.core.secret.rotation.SecretRotator;
import dev.rekey.server.net.OutboundPolicy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL that does not answer once the rotator is logged in (here: its ALTER ROLE waits on
 * a lock another session holds and never releases) fails the step after the socket timeout; it
 * must not hold the secret rotation worker, and with it every rotation and expiry notice of the
 * node, for good.
 */
class PostgresRotatorTimeoutTest {
  private static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "off")
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE app_stuck LOGIN");
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @Test
  void set_whoseAlterRoleNeverGetsAnAnswer_failsAfterTheSocketTimeout() throws Exception {
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.DEFAULT, Duration.ofSeconds(2));
    Map<String, String> params = Map.of("url", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
        "admin_secret", "pg-admin", "username", "app_stuck");
    SecretRotator.Input in = new SecretRotator.Input("rot_1", "default", "app-db", params, null, 2,
        name -> "{\"username\":\"postgres\",\"password\":\"unused-trust-auth\"}".getBytes(StandardCharsets.UTF_8));
    try (Connection holder = pg.getPostgresDatabase().getConnection(); Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.execute("ALTER ROLE app_stuck PASSWORD 'held'"); // the role's row stays locked until rollback
      try {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
            assertThatThrownBy(() -> rotator.set(in, rotator.create(in))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ALTER ROLE app_stuck"));
      } finally {
        holder.rollback();
      }
    }
    // the server gave up too (statement and lock timeouts under the socket timeout): the ALTER ROLE
    // the step gave up on does not apply the password once the lock is free
    Thread.sleep(1000);
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'app_stuck'")) {
      org.assertj.core.api.Assertions.assertThat(rs.next()).isTrue();
      org.assertj.core.api.Assertions.assertThat(rs.getBoolean(1)).as("no password applied after the step failed").isTrue();
    }
  }
}
