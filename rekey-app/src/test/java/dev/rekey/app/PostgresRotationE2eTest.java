package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationView;
import dev.rekey.client.SecretsClient;
import dev.rekey.server.RekeyServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL credential rotation against a real PostgreSQL that checks passwords (scram-sha-256
 * over TCP): with alternating users, a client that keeps connecting with whatever CURRENT holds
 * never fails during repeated rotations; with a single user, the old password stops working.
 */
class PostgresRotationE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_PASSWORD = "admin-pw-for-tests";

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static String url;
  static RekeyServer server;
  static SecretsClient secrets;

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("pg");
    pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
        .setServerConfig("fsync", "off").start();
    url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("ALTER ROLE postgres PASSWORD '" + ADMIN_PASSWORD + "'");
      st.execute("CREATE ROLE app_a LOGIN PASSWORD 'initial-a'");
      st.execute("CREATE ROLE app_b LOGIN PASSWORD 'initial-b'");
      st.execute("CREATE ROLE app_single LOGIN PASSWORD 'initial-single'");
      Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\n"
          + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
      st.execute("SELECT pg_reload_conf()");
    }
    assertThatThrownBy(() -> login("app_a", "wrong")).as("the test database must check passwords")
        .isInstanceOf(SQLException.class);

    server = E2e.devServer(dir.resolve("rekey"));
    secrets = E2e.client(server, ROOT_TOKEN).secrets();
    secrets.put("pg-admin", "{\"username\":\"postgres\",\"password\":\"" + ADMIN_PASSWORD + "\"}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static void login(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    }
  }

  static JsonNode current(String secret) throws Exception {
    return JSON.readTree(secrets.current(secret));
  }

  @Test
  void alternatingUsers_clientUsingCurrentNeverFails_acrossRepeatedRotations() throws Exception {
    secrets.put("app-db", "{\"username\":\"app_a\",\"password\":\"initial-a\"}");
    secrets.configureRotation("app-db", new SecretRotationConfigView("postgresql",
        Map.of("url", url, "admin_secret", "pg-admin", "usernames", "app_a,app_b"), null, null, null));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger logins = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    StringBuilder firstFailure = new StringBuilder();
    Thread client = new Thread(() -> {
      while (running.get()) {
        try {
          JsonNode creds = current("app-db");
          login(creds.get("username").asText(), creds.get("password").asText());
          logins.incrementAndGet();
        } catch (Exception e) {
          if (failures.getAndIncrement() == 0) {
            firstFailure.append(e);
          }
        }
      }
    }, "pg-client");
    client.start();
    String[] users = new String[6];
    for (int i = 0; i < 6; i++) {
      SecretRotationView r = secrets.rotateAndWait("app-db", Duration.ofSeconds(60));
      assertThat(r.status()).as(r.toString()).isEqualTo("succeeded");
      users[i] = current("app-db").get("username").asText();
    }
    Thread.sleep(300);
    running.set(false);
    client.join();

    assertThat(failures.get()).as(firstFailure.toString()).isZero();
    assertThat(logins.get()).isGreaterThan(20);
    assertThat(users).containsExactly("app_b", "app_a", "app_b", "app_a", "app_b", "app_a");
    JsonNode now = current("app-db");
    login(now.get("username").asText(), now.get("password").asText());
    JsonNode previous = JSON.readTree(secrets.read("app-db", "PREVIOUS", null).value());
    login(previous.get("username").asText(), previous.get("password").asText());
  }

  @Test
  void singleUser_newPasswordWorks_andTheOldOneNoLonger() throws Exception {
    secrets.put("single-db", "{\"username\":\"app_single\",\"password\":\"initial-single\"}");
    secrets.configureRotation("single-db", new SecretRotationConfigView("postgresql",
        Map.of("url", url, "admin_secret", "pg-admin", "username", "app_single"), null, null, null));

    assertThat(secrets.rotateAndWait("single-db", Duration.ofSeconds(60)).status()).isEqualTo("succeeded");

    JsonNode now = current("single-db");
    login("app_single", now.get("password").asText());
    assertThatThrownBy(() -> login("app_single", "initial-single")).isInstanceOf(SQLException.class);
    assertThat(secrets.metadata("single-db").previousVersion()).isEqualTo(1);
  }

  @Test
  void wrongAdminCredentials_failTheSetStep_andLeaveCurrentAsItWas() throws Exception {
    secrets.put("bad-admin", "{\"username\":\"postgres\",\"password\":\"not-it\"}");
    secrets.put("guarded-db", "{\"username\":\"app_single\",\"password\":\"whatever\"}");
    secrets.configureRotation("guarded-db", new SecretRotationConfigView("postgresql",
        Map.of("url", url, "admin_secret", "bad-admin", "username", "app_single"), null, null, null));

    SecretRotationView r = secrets.rotate("guarded-db");
    E2e.await("the set step to fail", Duration.ofSeconds(30),
        () -> secrets.rotation("guarded-db", r.id()).failures() > 0);

    SecretRotationView failed = secrets.rotation("guarded-db", r.id());
    assertThat(failed.step()).isEqualTo("set");
    assertThat(failed.lastError()).contains("ALTER ROLE").doesNotContain("not-it");
    assertThat(current("guarded-db").get("password").asText()).isEqualTo("whatever");
  }
}
