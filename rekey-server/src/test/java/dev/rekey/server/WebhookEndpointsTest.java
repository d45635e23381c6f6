package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook and event routes over real HTTP: answers, error codes, and where the secret may appear. */
class WebhookEndpointsTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static TestServer.Resp create(String json) {
    return s.post("/v1/webhooks", TestServer.ROOT, json);
  }

  @Test
  void create_toAnAddressTheServerDenies_isInvalid_andNothingIsStored() {
    for (String url : java.util.List.of("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
        "http://2852039166/")) {
      TestServer.Resp r = create("{\"url\":\"" + url + "\"}");
      assertThat(r.status()).as(url + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.body()).contains("outbound_deny");
    }
    assertThat(s.get("/v1/webhooks", TestServer.ROOT).body()).doesNotContain("169.254").doesNotContain("2852039166");
  }

  @Test
  void create_returnsTheSecretOnce_andNoOtherAnswerOrAuditRecordHasIt() {
    long before = s.lastAuditSeq();
    TestServer.Resp r = create("{\"url\":\"https://hooks.example.test/a\",\"event_types\":[\"KeyNewVersionCreated\"],"
        + "\"namespace\":\"default\",\"tags\":{\"team\":\"pay\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().get("id").asText();
    String secret = r.json().get("secret").asText();
    assertThat(secret).startsWith("whsec_");
    assertThat(r.json().get("event_types").toString()).isEqualTo("[\"KeyNewVersionCreated\"]");
    assertThat(r.json().get("enabled").asBoolean()).isTrue();

    TestServer.Resp shown = s.get("/v1/webhooks/" + id, TestServer.ROOT);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().has("secret")).isFalse();
    assertThat(s.get("/v1/webhooks", TestServer.ROOT).body()).contains(id).doesNotContain(secret);
    assertThat(s.post("/v1/webhooks/" + id + "/disable", TestServer.ROOT, "{}").json().get("enabled").asBoolean())
        .isFalse();
    TestServer.Resp rotated = s.post("/v1/webhooks/" + id + "/rotate-secret", TestServer.ROOT, "{}");
    assertThat(rotated.status()).isEqualTo(200);
    assertThat(rotated.json().get("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
    assertThat(s.get("/v1/webhooks/" + id + "/deliveries", TestServer.ROOT).json().get("deliveries")).isEmpty();

    for (JsonNode rec : s.auditAfter(before)) {
      assertThat(rec.toString()).doesNotContain(secret).doesNotContain(rotated.json().get("secret").asText());
    }
    assertThat(s.req("DELETE", "/v1/webhooks/" + id).token(TestServer.ROOT).send().status()).isEqualTo(204);
    assertThat(s.get("/v1/webhooks/" + id, TestServer.ROOT).status()).isEqualTo(404);
  }

  @Test
  void create_badInput_isInvalidRequestNamingTheProblem() {
    String[][] cases = {
        {"{}", "url"},
        {"{\"url\":\"ftp://x.test/\"}", "http:// or https://"},
        {"{\"url\":\"https://user:pw@x.test/\"}", "credentials"},
        {"{\"url\":\"https://x.test/\",\"event_types\":[\"KeyDeleted\"]}", "unknown event type"},
        {"{\"url\":\"https://x.test/\",\"namespace\":\"Bad NS\"}", "namespace"},
        {"{\"url\":\"https://x.test/\",\"colour\":\"red\"}", ""},
    };
    for (String[] c : cases) {
      TestServer.Resp r = create(c[0]);
      assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.json().at("/error/message").asText()).contains(c[1]);
    }
  }

  @Test
  void unknownWebhookOrDelivery_isNotFound() {
    assertThat(s.get("/v1/webhooks/wh_nope", TestServer.ROOT).errorCode()).isEqualTo("not_found");
    assertThat(s.get("/v1/webhooks/wh_nope/deliveries", TestServer.ROOT).errorCode()).isEqualTo("not_found");
    assertThat(s.post("/v1/webhooks/wh_nope/rotate-secret", TestServer.ROOT, "{}").errorCode()).isEqualTo("not_found");
    String id = create("{\"url\":\"https://x.test/\"}").json().get("id").asText();
    TestServer.Resp r = s.post("/v1/webhooks/" + id + "/deliveries/dlv_nope/redeliver", TestServer.ROOT, "{}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
  }

  @Test
  void events_listNewestFirst_filterByType_page_andRejectBadQueries() {
    s.createKey("evented", null);
    s.post("/v1/keys/evented/rotate", TestServer.ROOT, "{}");
    JsonNode page = s.get("/v1/events?type=KeyNewVersionCreated&limit=1", TestServer.ROOT).json();
    assertThat(page.get("events")).hasSize(1);
    JsonNode newest = page.get("events").get(0);
    assertThat(newest.get("type").asText()).isEqualTo("KeyNewVersionCreated");
    assertThat(newest.get("subject").asText()).isEqualTo("keys/evented/versions/2");
    assertThat(newest.get("data").get("version").asInt()).isEqualTo(2);
    long next = page.get("next_before").asLong();
    JsonNode older = s.get("/v1/events?type=KeyNewVersionCreated&limit=1&before=" + next, TestServer.ROOT).json();
    assertThat(older.get("events").get(0).get("seq").asLong()).isLessThan(newest.get("seq").asLong());

    for (String bad : new String[] {"type=KeyDeleted", "before=abc", "limit=0", "limit=1001"}) {
      TestServer.Resp r = s.get("/v1/events?" + bad, TestServer.ROOT);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
    }
  }

  @Test
  void callersWithoutTheActions_orWithoutEveryNamespace_areForbidden() {
    String officer = s.token("officer", "key-officer", "*", "*", null)[0];
    assertThat(s.get("/v1/webhooks", officer).errorCode()).isEqualTo("forbidden");
    assertThat(s.get("/v1/events", officer).errorCode()).isEqualTo("forbidden");
    String nsAdmin = s.token("ns-admin", "admin", "default", "*", null)[0];
    TestServer.Resp r = s.post("/v1/webhooks", nsAdmin, "{\"url\":\"https://x.test/\"}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().at("/error/message").asText()).contains("every namespace");
  }
}
