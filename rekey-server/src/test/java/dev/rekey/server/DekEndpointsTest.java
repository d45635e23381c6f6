package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant data keys and re-wrap campaigns over HTTP, with the background worker running them. */
class DekEndpointsTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    // campaigns here start on request only, so that the planner cannot start one first
    System.setProperty(RekeyServer.PLANNER_INTERVAL_PROPERTY, "PT0S");
    try {
      s = TestServer.dev(dir);
    } finally {
      System.clearProperty(RekeyServer.PLANNER_INTERVAL_PROPERTY);
    }
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static TestServer.Resp ok(TestServer.Resp r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    return r;
  }

  static String plaintext(String key, String tenant, Integer version) {
    TestServer.Resp r = ok(s.get("/v1/keys/" + key + "/deks/" + tenant + "/plaintext"
        + (version == null ? "" : "?version=" + version), TestServer.ROOT), 200);
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    return r.json().get("plaintext").asText();
  }

  static JsonNode waitFor(long id, String state) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      JsonNode c = ok(s.get("/v1/rewrap-campaigns/" + id, TestServer.ROOT), 200).json();
      if (c.get("state").asText().equals(state) || Instant.now().isAfter(deadline)) {
        assertThat(c.get("state").asText()).as(c.toString()).isEqualTo(state);
        return c;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void create_fetch_rotate_show_list_andNoPlaintextInTheAuditTrail() {
    s.createKey("dek-kek", null);
    long before = s.lastAuditSeq();
    JsonNode created = ok(s.post("/v1/keys/dek-kek/deks", TestServer.ROOT, "{\"tenant\":\"acme\"}"), 201).json();
    assertThat(created.get("latest_version").asInt()).isEqualTo(1);
    assertThat(created.get("kek_version").asInt()).isEqualTo(1);
    assertThat(created.has("plaintext")).isFalse();

    String v1 = plaintext("dek-kek", "acme", null);
    assertThat(Base64.getDecoder().decode(v1)).hasSize(32);
    JsonNode rotated = ok(s.post("/v1/keys/dek-kek/deks/acme/rotate", TestServer.ROOT, "{}"), 200).json();
    assertThat(rotated.get("latest_version").asInt()).isEqualTo(2);
    assertThat(rotated.get("versions")).hasSize(2);
    String v2 = plaintext("dek-kek", "acme", null);
    assertThat(v2).isNotEqualTo(v1);
    assertThat(plaintext("dek-kek", "acme", 1)).isEqualTo(v1);
    ok(s.post("/v1/keys/dek-kek/deks", TestServer.ROOT, "{\"tenant\":\"bravo\"}"), 201);
    JsonNode list = ok(s.get("/v1/keys/dek-kek/deks?limit=1", TestServer.ROOT), 200).json();
    assertThat(list.get("deks")).hasSize(1);
    assertThat(list.get("next_after").asText()).isEqualTo("acme");
    assertThat(ok(s.get("/v1/keys/dek-kek/deks?after=acme", TestServer.ROOT), 200).json().at("/deks/0/tenant")
        .asText()).isEqualTo("bravo");

    List<JsonNode> audit = s.auditAfter(before);
    assertThat(audit.toString()).doesNotContain(v1).doesNotContain(v2).contains("dek.fetch").contains("acme");
  }

  @Test
  void badInput_isAClear4xx() {
    s.createKey("dek-bad", null);
    s.createKey("dek-hmac", "hmac-sha256");
    assertThat(s.post("/v1/keys/dek-bad/deks", TestServer.ROOT, "{}").errorCode()).isEqualTo("invalid_request");
    assertThat(s.post("/v1/keys/dek-bad/deks", TestServer.ROOT, "{\"tenant\":\"a b\"}").status()).isEqualTo(400);
    assertThat(s.post("/v1/keys/nope/deks", TestServer.ROOT, "{\"tenant\":\"a\"}").status()).isEqualTo(404);
    assertThat(s.post("/v1/keys/dek-hmac/deks", TestServer.ROOT, "{\"tenant\":\"a\"}").errorCode())
        .isEqualTo("unsupported_operation");
    assertThat(s.get("/v1/keys/dek-bad/deks/none/plaintext", TestServer.ROOT).status()).isEqualTo(404);
    assertThat(s.get("/v1/keys/dek-bad/deks/none/plaintext?version=x", TestServer.ROOT).status()).isEqualTo(400);
    ok(s.post("/v1/keys/dek-bad/deks", TestServer.ROOT, "{\"tenant\":\"a\"}"), 201);
    assertThat(s.post("/v1/keys/dek-bad/deks", TestServer.ROOT, "{\"tenant\":\"a\"}").errorCode())
        .isEqualTo("already_exists");
    assertThat(s.get("/v1/rewrap-campaigns/abc", TestServer.ROOT).status()).isEqualTo(400);
    assertThat(s.get("/v1/rewrap-campaigns/999999", TestServer.ROOT).status()).isEqualTo(404);
    assertThat(s.post("/v1/rewrap-campaigns", TestServer.ROOT, "{\"key\":\"dek-bad\"}").errorCode())
        .isEqualTo("illegal_state");
    assertThat(s.post("/v1/rewrap-campaigns", TestServer.ROOT, "{\"key\":\"dek-bad\",\"batch_size\":0}").status())
        .isEqualTo(400);
  }

  @Test
  void roles_officersManageButCannotFetch_cryptoUsersFetch_auditorsReadMetadata() {
    s.createKey("dek-roles", null);
    String officer = s.token("officer", "key-officer", "*", "*", null)[0];
    String user = s.token("app", "crypto-user", "*", "dek-roles", null)[0];
    String auditor = s.token("auditor", "auditor", "*", "*", null)[0];

    ok(s.post("/v1/keys/dek-roles/deks", officer, "{\"tenant\":\"t1\"}"), 201);
    assertThat(s.get("/v1/keys/dek-roles/deks/t1/plaintext", officer).errorCode()).isEqualTo("forbidden");
    assertThat(s.get("/v1/keys/dek-roles/deks/t1/plaintext", user).status()).isEqualTo(200);
    assertThat(s.post("/v1/keys/dek-roles/deks", user, "{\"tenant\":\"t2\"}").errorCode()).isEqualTo("forbidden");
    assertThat(s.get("/v1/keys/dek-roles/deks/t1", auditor).status()).isEqualTo(200);
    assertThat(s.get("/v1/keys/dek-roles/deks/t1/plaintext", auditor).status()).isEqualTo(403);
    assertThat(s.get("/v1/rewrap-campaigns", auditor).status()).isEqualTo(200);
    assertThat(s.post("/v1/rewrap-campaigns", user, "{\"key\":\"dek-roles\"}").status()).isEqualTo(403);
  }

  @Test
  void campaign_runsInTheBackground_andOnlyThenMayTheMinimumDecryptionVersionMove() throws Exception {
    s.createKey("dek-camp", null);
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      ok(s.post("/v1/keys/dek-camp/deks", TestServer.ROOT, "{\"tenant\":\"t" + i + "\"}"), 201);
      before.put("t" + i, plaintext("dek-camp", "t" + i, null));
    }
    ok(s.post("/v1/keys/dek-camp/rotate", TestServer.ROOT, "{}"), 200);
    TestServer.Resp refused = s.req("PATCH", "/v1/keys/dek-camp").token(TestServer.ROOT)
        .json("{\"min_decryption_version\":2}").send();
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("illegal_state");
    assertThat(refused.json().at("/error/message").asText()).contains("40 stored data keys");

    JsonNode c = ok(s.post("/v1/rewrap-campaigns", TestServer.ROOT, "{\"key\":\"dek-camp\",\"batch_size\":7}"), 201)
        .json();
    assertThat(c.get("total").asInt()).isEqualTo(40);
    JsonNode done = waitFor(c.get("id").asLong(), "completed");

    assertThat(done.get("done").asInt()).isEqualTo(40);
    assertThat(done.get("remaining").asInt()).isZero();
    for (Map.Entry<String, String> e : before.entrySet()) {
      JsonNode meta = ok(s.get("/v1/keys/dek-camp/deks/" + e.getKey(), TestServer.ROOT), 200).json();
      assertThat(meta.get("kek_version").asInt()).isEqualTo(2);
      assertThat(plaintext("dek-camp", e.getKey(), null)).isEqualTo(e.getValue());
    }
    ok(s.req("PATCH", "/v1/keys/dek-camp").token(TestServer.ROOT).json("{\"min_decryption_version\":2}").send(), 200);
  }

  /** Revoking a KEK version is an emergency action and proceeds; destroying the DEKs it wraps with it does not. */
  @Test
  void revokedKekVersion_wrappingDeks_refusesDestruction_untilACampaignMovesThem() throws Exception {
    s.createKey("dek-rev", null);
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      ok(s.post("/v1/keys/dek-rev/deks", TestServer.ROOT, "{\"tenant\":\"t" + i + "\"}"), 201);
      before.put("t" + i, plaintext("dek-rev", "t" + i, null));
    }
    ok(s.post("/v1/keys/dek-rev/rotate", TestServer.ROOT, "{}"), 200);
    ok(s.post("/v1/keys/dek-rev/versions/1/revoke", TestServer.ROOT, "{}"), 200);
    TestServer.Resp refused = s.post("/v1/keys/dek-rev/versions/1/schedule-destroy", TestServer.ROOT, "{}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("illegal_state");
    assertThat(refused.json().at("/error/message").asText()).contains("4 stored data keys")
        .contains("re-wrap campaign");

    JsonNode c = ok(s.post("/v1/rewrap-campaigns", TestServer.ROOT, "{\"key\":\"dek-rev\",\"from_version\":1}"), 201)
        .json();
    waitFor(c.get("id").asLong(), "completed");
    ok(s.post("/v1/keys/dek-rev/versions/1/schedule-destroy", TestServer.ROOT, "{}"), 200);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertThat(plaintext("dek-rev", e.getKey(), null)).isEqualTo(e.getValue());
    }
  }

  @Test
  void throttledCampaign_pauses_resumes_andCancelsWithRollback() throws Exception {
    s.createKey("dek-ctl", null);
    for (int i = 0; i < 10; i++) {
      ok(s.post("/v1/keys/dek-ctl/deks", TestServer.ROOT, "{\"tenant\":\"t" + i + "\"}"), 201);
    }
    ok(s.post("/v1/keys/dek-ctl/rotate", TestServer.ROOT, "{}"), 200);
    long id = ok(s.post("/v1/rewrap-campaigns", TestServer.ROOT,
        "{\"key\":\"dek-ctl\",\"batch_size\":2,\"delay_ms\":60000}"), 201).json().get("id").asLong();

    JsonNode paused = ok(s.post("/v1/rewrap-campaigns/" + id + "/pause", TestServer.ROOT, "{}"), 200).json();
    assertThat(paused.get("state").asText()).isEqualTo("paused");
    assertThat(s.post("/v1/rewrap-campaigns/" + id + "/pause", TestServer.ROOT, "{}").status()).isEqualTo(409);
    assertThat(ok(s.post("/v1/rewrap-campaigns/" + id + "/resume", TestServer.ROOT, "{}"), 200).json()
        .get("state").asText()).isEqualTo("running");
    JsonNode throttled = ok(s.req("PATCH", "/v1/rewrap-campaigns/" + id).token(TestServer.ROOT)
        .json("{\"batches_per_second\":4}").send(), 200).json();
    assertThat(throttled.get("delay_ms").asInt()).isEqualTo(250);
    assertThat(s.req("PATCH", "/v1/rewrap-campaigns/" + id).token(TestServer.ROOT)
        .json("{\"batches_per_second\":4,\"delay_ms\":5}").send().status()).isEqualTo(400);
    TestServer.Resp tooSlow = s.req("PATCH", "/v1/rewrap-campaigns/" + id).token(TestServer.ROOT)
        .json("{\"batches_per_second\":0.0001}").send();
    assertThat(tooSlow.status()).isEqualTo(400);
    assertThat(tooSlow.json().at("/error/message").asText()).startsWith("batches_per_second must be at least");
    assertThat(ok(s.req("PATCH", "/v1/rewrap-campaigns/" + id).token(TestServer.ROOT)
        .json("{\"batches_per_second\":4}").send(), 200).json().get("delay_ms").asInt()).isEqualTo(250);
    JsonNode listed = ok(s.get("/v1/rewrap-campaigns?active=true", TestServer.ROOT), 200).json();
    assertThat(listed.get("campaigns").findValuesAsText("id")).contains(String.valueOf(id));

    ok(s.post("/v1/rewrap-campaigns/" + id + "/cancel", TestServer.ROOT, "{}"), 200);
    JsonNode cancelled = waitFor(id, "cancelled");
    assertThat(cancelled.get("rolled_back").asLong()).isEqualTo(cancelled.get("done").asLong());
    for (int i = 0; i < 10; i++) {
      assertThat(ok(s.get("/v1/keys/dek-ctl/deks/t" + i, TestServer.ROOT), 200).json().get("kek_version").asInt())
          .isEqualTo(1);
    }
  }
}
