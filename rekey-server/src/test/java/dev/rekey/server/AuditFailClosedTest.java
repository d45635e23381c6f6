package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the audit repository cannot write, requests are refused with 503 audit_unavailable and no
 * plaintext or ciphertext leaves the server. The failure is real: a trigger on the audit table
 * (installed through a second connection to the same SQLite file) makes every insert fail.
 */
class AuditFailClosedTest {
  static final String ROOT = TestServer.ROOT;
  static final String PLAIN_B64 = "c2VjcmV0LXBsYWludGV4dA==";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    s.createKey("fc", null);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rekey.db"));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
      st.execute(statement);
    }
  }

  private static void assertRefused(TestServer.Resp r, String what) {
    assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(503);
    assertThat(r.errorCode()).as(what).isEqualTo("audit_unavailable");
    assertThat(r.body()).as(what).doesNotContain("rekey:v").doesNotContain(PLAIN_B64).doesNotContain("plaintext");
  }

  @Test
  void auditWriteFailure_refusesEveryRequest_withoutPlaintextOrCiphertext_andRecovers() throws Exception {
    String ct = s.post("/v1/keys/fc/encrypt", ROOT, "{\"plaintext\":\"" + PLAIN_B64 + "\"}").json().get("ciphertext").asText();
    sql("CREATE TRIGGER audit_down BEFORE INSERT ON audit_blocks BEGIN SELECT RAISE(ABORT, 'audit storage down'); END");
    try {
      assertRefused(s.post("/v1/keys/fc/encrypt", ROOT, "{\"plaintext\":\"" + PLAIN_B64 + "\"}"), "encrypt");
      assertRefused(s.post("/v1/keys/fc/decrypt", ROOT, "{\"ciphertext\":\"" + ct + "\"}"), "decrypt");
      assertRefused(s.post("/v1/keys/fc/rewrap", ROOT, "{\"ciphertext\":\"" + ct + "\"}"), "rewrap");
      assertRefused(s.post("/v1/keys/fc/datakey", ROOT, "{}"), "datakey");
      assertRefused(s.post("/v1/keys/fc/encrypt", ROOT, "{\"batch\":[{\"plaintext\":\"" + PLAIN_B64 + "\"}]}"), "batch");
      assertRefused(s.get("/v1/keys/fc", ROOT), "read");
      assertRefused(s.get("/v1/audit/records", ROOT), "audit read");
      // denied and failed requests are refused the same way: their record cannot be written either
      assertRefused(s.get("/v1/keys", "rk_wrong"), "unauthenticated");
      assertRefused(s.get("/v1/nowhere", ROOT), "unrouted");
      assertRefused(s.post("/v1/keys", ROOT, "{\"name\":\"during-outage\",\"type\":\"nope\"}"), "bad create");
      // a secret put commits with its own audit record: refused, and not stored either
      assertRefused(s.req("PUT", "/v1/secrets/during-outage").token(ROOT).json("{\"value\":\"v1\"}").send(),
          "secret put");
      // health is not audited and stays available
      assertThat(s.get("/v1/health", null).status()).isEqualTo(200);
    } finally {
      sql("DROP TRIGGER audit_down");
    }
    assertThat(s.post("/v1/keys/fc/decrypt", ROOT, "{\"ciphertext\":\"" + ct + "\"}").json().get("plaintext").asText())
        .isEqualTo(PLAIN_B64);
    assertThat(s.get("/v1/secrets/during-outage", ROOT).status()).isEqualTo(404);
    assertThat(s.req("PUT", "/v1/secrets/during-outage").token(ROOT).json("{\"value\":\"v1\"}").send().status())
        .isEqualTo(201);
    TestServer.Resp verify = s.get("/v1/audit/verify", ROOT);
    assertThat(verify.status()).isEqualTo(200);
    assertThat(verify.json().get("valid").asBoolean()).as(verify.body()).isTrue();
  }
}
