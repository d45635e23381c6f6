package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer routes over real HTTP: answers, error codes, authorization, and where the hook secret may appear. */
class ConsumerEndpointsTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    s.createKey("orders", null);
    s.createKey("ledger", null);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void register_returnsTheHookSecretOnce_andNoOtherAnswerOrAuditRecordHasIt() {
    long before = s.lastAuditSeq();
    TestServer.Resp r = s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"billing-db\",\"kind\":\"storage-account\","
        + "\"owner\":\"dba\",\"tags\":{\"team\":\"pay\"},\"hook_url\":\"https://hooks.example.test/billing\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String secret = r.json().get("hook_secret").asText();
    assertThat(secret).startsWith("whsec_");

    TestServer.Resp shown = s.get("/v1/consumers/billing-db", TestServer.ROOT);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().has("hook_secret")).isFalse();
    assertThat(shown.json().get("kind").asText()).isEqualTo("storage-account");
    assertThat(s.get("/v1/consumers", TestServer.ROOT).body()).contains("billing-db").doesNotContain(secret);
    assertThat(s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"billing-db\"}").status()).isEqualTo(409);

    TestServer.Resp bound = s.post("/v1/consumers/billing-db/bindings", TestServer.ROOT, "{\"key\":\"orders\"}");
    assertThat(bound.status()).as(bound.body()).isEqualTo(201);
    assertThat(bound.json().get("version").asInt()).isEqualTo(1);
    assertThat(bound.json().get("state").asText()).isEqualTo("CURRENT");
    assertThat(bound.json().get("subject_kind").asText()).isEqualTo("key");
    TestServer.Resp rotated = s.req("PATCH", "/v1/consumers/billing-db").token(TestServer.ROOT)
        .json("{\"rotate_hook_secret\":true}").send();
    assertThat(rotated.json().get("hook_secret").asText()).startsWith("whsec_").isNotEqualTo(secret);

    for (JsonNode rec : s.auditAfter(before)) {
      assertThat(rec.toString()).doesNotContain(secret).doesNotContain(rotated.json().get("hook_secret").asText());
    }
    assertThat(s.req("DELETE", "/v1/consumers/billing-db").token(TestServer.ROOT).send().status()).isEqualTo(204);
    assertThat(s.get("/v1/consumers/billing-db", TestServer.ROOT).status()).isEqualTo(404);
  }

  @Test
  void badInput_isInvalidRequestNamingTheProblem() {
    String[][] cases = {
        {"/v1/consumers", "{}", "consumer name"},
        {"/v1/consumers", "{\"name\":\"bad name\"}", "consumer name"},
        {"/v1/consumers", "{\"name\":\"x1\",\"hook_url\":\"ftp://x.test/\"}", "field 'hook_url' must be an http://"},
        {"/v1/consumers", "{\"name\":\"x4\",\"hook_url\":\"https://x.test:99999/\"}", "field 'hook_url' has port 99999"},
        {"/v1/consumers", "{\"name\":\"x5\",\"hook_url\":\"http://169.254.169.254/latest\"}", "outbound_deny"},
        {"/v1/consumers", "{\"name\":\"x6\",\"hook_url\":\"http://[fe80::1]:8080/\"}", "outbound_deny"},
        {"/v1/consumers", "{\"name\":\"x2\",\"colour\":\"red\"}", ""},
        {"/v1/consumers", "{\"name\":\"x3\",\"owner\":\"" + "o".repeat(300) + "\"}", "owner"},
    };
    for (String[] c : cases) {
      TestServer.Resp r = s.post(c[0], TestServer.ROOT, c[1]);
      assertThat(r.status()).as(c[1] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.json().get("error").get("message").asText()).contains(c[2]);
    }
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"svc\"}");
    assertThat(s.post("/v1/consumers/svc/bindings", TestServer.ROOT, "{}").status()).isEqualTo(400);
    assertThat(s.post("/v1/consumers/svc/bindings", TestServer.ROOT, "{\"key\":\"orders\",\"mode\":\"pinned\"}")
        .status()).isEqualTo(400);
    assertThat(s.post("/v1/consumers/svc/bindings", TestServer.ROOT, "{\"key\":\"nope\"}").status()).isEqualTo(404);
    assertThat(s.req("PUT", "/v1/consumers/svc/bindings/orders").token(TestServer.ROOT).json("{\"version\":0}")
        .send().status()).isEqualTo(400);
    assertThat(s.req("PUT", "/v1/consumers/svc/bindings/orders").token(TestServer.ROOT).json("{\"version\":9}")
        .send().status()).isEqualTo(404);
    assertThat(s.req("PUT", "/v1/keys/orders/propagation").token(TestServer.ROOT).json("{\"deadline\":\"soon\"}")
        .send().status()).isEqualTo(400);
    assertThat(s.get("/v1/bindings?state=LOST", TestServer.ROOT).status()).isEqualTo(400);
    assertThat(s.get("/v1/bindings?key=orders&state=LOST", TestServer.ROOT).status()).isEqualTo(400);
    assertThat(s.get("/v1/bindings?key=orders&state=STALE", TestServer.ROOT).status()).isEqualTo(200);
    TestServer.Resp noKey = s.get("/v1/keys/no-such-key/propagation", TestServer.ROOT);
    assertThat(noKey.status()).as(noKey.body()).isEqualTo(404);
    assertThat(s.get("/v1/keys/orders/propagation", TestServer.ROOT).status()).isEqualTo(200);
  }

  @Test
  void confirm_isAuthorizedOnTheKey_andManagingNeedsTheManageAction() {
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"ledger-app\"}");
    String onLedger = s.token("ledger-app", "crypto-user", "default", "ledger", null)[0];
    TestServer.Resp ok = s.req("PUT", "/v1/consumers/ledger-app/bindings/ledger").token(onLedger)
        .json("{\"version\":1}").send();
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().get("state").asText()).isEqualTo("CURRENT");
    assertThat(s.req("PUT", "/v1/consumers/ledger-app/bindings/orders").token(onLedger).json("{\"version\":1}")
        .send().status()).isEqualTo(403);
    assertThat(s.post("/v1/consumers", onLedger, "{\"name\":\"sneaky\"}").status()).isEqualTo(403);
    assertThat(s.get("/v1/bindings?state=STALE&all_namespaces=true", TestServer.ROOT).status()).isEqualTo(200);
  }

  @Test
  void retire_versionInUse_is409NamingTheConsumer_andForceOverrides() {
    s.createKey("payments", null);
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"pay-svc\"}");
    s.post("/v1/consumers/pay-svc/bindings", TestServer.ROOT, "{\"key\":\"payments\"}");
    s.post("/v1/keys/payments/rotate", TestServer.ROOT, "{}");
    TestServer.Resp refused = s.post("/v1/keys/payments/versions/1/retire", TestServer.ROOT, "{}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("version_in_use");
    assertThat(refused.json().get("error").get("message").asText()).contains("pay-svc");
    assertThat(s.post("/v1/keys/payments/versions/1/retire?force=true", TestServer.ROOT, "{}").status())
        .isEqualTo(200);
  }

  @Test
  void raiseMinDecryption_pastAPinnedVersion_is409LikeRetire_andForceOverridesWithAnAuditRecord() {
    s.createKey("g1", null);
    s.post("/v1/keys/g1/rotate", TestServer.ROOT, "{}");
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"c-app\"}");
    TestServer.Resp bound = s.post("/v1/consumers/c-app/bindings", TestServer.ROOT,
        "{\"key\":\"g1\",\"mode\":\"pinned\",\"version\":1}");
    assertThat(bound.status()).as(bound.body()).isEqualTo(201);

    TestServer.Resp refused = s.req("PATCH", "/v1/keys/g1").token(TestServer.ROOT)
        .json("{\"min_decryption_version\":2}").send();
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("version_in_use");
    assertThat(refused.json().get("error").get("message").asText()).contains("c-app");
    JsonNode key = s.get("/v1/keys/g1", TestServer.ROOT).json();
    assertThat(key.get("min_decryption_version").asInt()).isEqualTo(1);
    assertThat(key.get("versions").get(0).get("state").asText()).isEqualTo("active");

    long before = s.lastAuditSeq();
    TestServer.Resp forced = s.req("PATCH", "/v1/keys/g1?force=true").token(TestServer.ROOT)
        .json("{\"min_decryption_version\":2}").send();
    assertThat(forced.status()).as(forced.body()).isEqualTo(200);
    assertThat(forced.json().get("versions").get(0).get("state").asText()).isEqualTo("retired");
    assertThat(s.auditAfter(before).stream().map(JsonNode::toString).filter(r -> r.contains("forced")))
        .singleElement().asString().contains("c-app").contains("min_decryption_version");
  }

  private static void putSecret(String name, String value) {
    TestServer.Resp r = s.req("PUT", "/v1/secrets/" + name).token(TestServer.ROOT).json("{\"value\":\"" + value + "\"}")
        .send();
    assertThat(r.status()).as(r.body()).isIn(200, 201);
  }

  @Test
  void secretBindings_bindConfirmListAndUnbind_authorizedOnTheSecret() {
    putSecret("smtp-pass", "one");
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"mailer\"}");
    TestServer.Resp bound = s.post("/v1/consumers/mailer/bindings", TestServer.ROOT, "{\"secret\":\"smtp-pass\"}");
    assertThat(bound.status()).as(bound.body()).isEqualTo(201);
    assertThat(bound.json().get("subject_kind").asText()).isEqualTo("secret");
    assertThat(bound.json().get("key").asText()).isEqualTo("smtp-pass");
    assertThat(bound.json().get("version").asInt()).isEqualTo(1);

    assertThat(s.post("/v1/consumers/mailer/bindings", TestServer.ROOT, "{\"secret\":\"nope\"}").status())
        .isEqualTo(404);
    TestServer.Resp both = s.post("/v1/consumers/mailer/bindings", TestServer.ROOT,
        "{\"key\":\"orders\",\"secret\":\"smtp-pass\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().get("error").get("message").asText()).contains("exactly one of key, secret or selector");
    assertThat(s.get("/v1/bindings?key=orders&secret=smtp-pass", TestServer.ROOT).status()).isEqualTo(400);

    putSecret("smtp-pass", "two");
    String onSecret = s.token("mailer", "crypto-user", "default", "smtp-pass", null)[0];
    String onOther = s.token("mailer-other", "crypto-user", "default", "orders", null)[0];
    assertThat(s.req("PUT", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(onOther)
        .json("{\"version\":2}").send().status()).isEqualTo(403);
    assertThat(s.req("PUT", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(onSecret)
        .json("{\"version\":7}").send().status()).isEqualTo(404);
    TestServer.Resp confirmed = s.req("PUT", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(onSecret)
        .json("{\"version\":2}").send();
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    assertThat(confirmed.json().get("version").asInt()).isEqualTo(2);

    JsonNode list = s.get("/v1/bindings?secret=smtp-pass", TestServer.ROOT).json().get("bindings");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("consumer").asText()).isEqualTo("mailer");
    assertThat(s.get("/v1/bindings?key=smtp-pass", TestServer.ROOT).json().get("bindings")).isEmpty();

    assertThat(s.req("DELETE", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(onSecret).send().status())
        .isEqualTo(403);
    assertThat(s.req("DELETE", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(TestServer.ROOT).send()
        .status()).isEqualTo(204);
    assertThat(s.req("DELETE", "/v1/consumers/mailer/secret-bindings/smtp-pass").token(TestServer.ROOT).send()
        .status()).isEqualTo(404);
  }

  @Test
  void secretVersionInUse_is409NamingTheConsumer_andForceOverridesWithAnAuditRecord() {
    putSecret("api-token", "one");
    s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"edge\"}");
    s.post("/v1/consumers/edge/bindings", TestServer.ROOT, "{\"secret\":\"api-token\"}");
    putSecret("api-token", "two");
    long before = s.lastAuditSeq();
    for (String action : new String[] {"retire", "disable"}) {
      TestServer.Resp refused = s.post("/v1/secrets/api-token/versions/1/" + action, TestServer.ROOT, "{}");
      assertThat(refused.status()).as(refused.body()).isEqualTo(409);
      assertThat(refused.errorCode()).isEqualTo("version_in_use");
      assertThat(refused.json().get("error").get("message").asText()).contains("edge");
    }
    TestServer.Resp forced = s.post("/v1/secrets/api-token/versions/1/retire?force=true", TestServer.ROOT, "{}");
    assertThat(forced.status()).as(forced.body()).isEqualTo(200);
    assertThat(s.auditAfter(before).stream().map(JsonNode::toString).filter(r -> r.contains("forced")))
        .singleElement().asString().contains("edge");
  }

  @Test
  void bindingsOfAKey_filteredByState_skipPagesTheFilterEmpties() throws InterruptedException {
    assertThat(s.post("/v1/keys", TestServer.ROOT, "{\"name\":\"paged\"}").status()).isEqualTo(201);
    for (String consumer : new String[] {"pg-a", "pg-b", "pg-c"}) {
      assertThat(s.post("/v1/consumers", TestServer.ROOT, "{\"name\":\"" + consumer + "\"}").status()).isEqualTo(201);
      assertThat(s.post("/v1/consumers/" + consumer + "/bindings", TestServer.ROOT, "{\"key\":\"paged\"}").status())
          .isEqualTo(201);
    }
    assertThat(s.post("/v1/keys/paged/rotate", TestServer.ROOT, "{}").status()).isEqualTo(200);
    // the rotation reaches the bindings through the event outbox, in the background
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (!s.get("/v1/bindings?key=paged", TestServer.ROOT).json().get("bindings").findValuesAsText("state")
        .equals(java.util.List.of("PENDING_UPDATE", "PENDING_UPDATE", "PENDING_UPDATE"))) {
      assertThat(System.nanoTime()).as("bindings moved to PENDING_UPDATE in time").isLessThan(deadline);
      Thread.sleep(20);
    }
    TestServer.Resp confirmed = s.req("PUT", "/v1/consumers/pg-c/bindings/paged").token(TestServer.ROOT)
        .json("{\"version\":2}").send();
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);

    // pg-a and pg-b come first and are not CURRENT: a page of one must still find pg-c
    JsonNode current = s.get("/v1/bindings?key=paged&state=CURRENT&limit=1", TestServer.ROOT).json().get("bindings");
    assertThat(current.findValuesAsText("consumer")).containsExactly("pg-c");
    JsonNode pending = s.get("/v1/bindings?key=paged&state=PENDING_UPDATE&limit=1", TestServer.ROOT).json()
        .get("bindings");
    assertThat(pending.findValuesAsText("consumer")).containsExactly("pg-a");
    assertThat(s.get("/v1/bindings?key=paged&state=PENDING_UPDATE&limit=1&after=pg-a", TestServer.ROOT).json()
        .get("bindings").findValuesAsText("consumer")).containsExactly("pg-b");
  }
}
