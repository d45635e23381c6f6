package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints that take no parameters accept no body or {@code {}}; any other body is 400
 * invalid_request naming what is wrong, before anything changes, as an endpoint with a body refuses
 * a field it does not know. Over real HTTP against a dev server.
 */
class BodylessEndpointsTest {
  static final String ROOT = TestServer.ROOT;
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

  private static TestServer.Resp post(String path, String body) {
    TestServer.Req req = s.req("POST", path).token(ROOT);
    return (body == null ? req : req.json(body)).send();
  }

  private static void assertRefused(TestServer.Resp r, String problem) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.json().at("/error/message").asText()).startsWith("this request takes no body (send none, or {}): ")
        .contains(problem);
  }

  @Test
  void rotateRoot_withAParameterOrNotAnObject_is400NamingIt_andRotatesNothing() {
    String before = s.server.root().currentRootKeyId();

    assertRefused(post("/v1/sys/rotate-root", "{\"force\":true}"), "unknown field 'force'");
    assertRefused(post("/v1/sys/rotate-root", "{\"force\":"), "malformed JSON");
    assertRefused(post("/v1/sys/rotate-root", "[]"), "must be a JSON object");
    assertRefused(post("/v1/sys/rotate-root", "null"), "must be a JSON object");

    assertThat(s.server.root().currentRootKeyId()).isEqualTo(before);
  }

  @Test
  void rotateRoot_withoutBodyOrWithTheEmptyObject_rotates() {
    String first = s.server.root().currentRootKeyId();

    TestServer.Resp none = post("/v1/sys/rotate-root", null);
    assertThat(none.status()).as(none.body()).isEqualTo(200);
    String second = none.json().get("root_key_id").asText();
    TestServer.Resp empty = post("/v1/sys/rotate-root", " { } ");
    assertThat(empty.status()).as(empty.body()).isEqualTo(200);

    assertThat(second).isNotEqualTo(first);
    assertThat(empty.json().get("root_key_id").asText()).isNotEqualTo(second);
  }

  @Test
  void seal_withAParameter_is400_andTheServerStaysUnsealed() {
    assertRefused(post("/v1/sys/seal", "{\"now\":true}"), "unknown field 'now'");
    assertThat(s.get("/v1/health", null).json().get("sealed").asBoolean()).isFalse();
  }

  @Test
  void everyOtherBodylessPost_refusesAParameter_beforeLookingAnythingUp() {
    // emergency-rotate takes an optional {"version":N}: CompromiseAuditTest covers its refusals
    List<String> paths = List.of("/v1/keys/k/versions/1/disable",
        "/v1/keys/k/versions/1/destroy", "/v1/secrets/s/versions/1/revoke", "/v1/secrets/s/rotate",
        "/v1/keys/k/deks/t1/rotate", "/v1/rewrap-campaigns/1/pause", "/v1/rewrap-campaigns/1/resume",
        "/v1/rewrap-campaigns/1/cancel", "/v1/webhooks/wh_1/rotate-secret", "/v1/webhooks/wh_1/enable",
        "/v1/webhooks/wh_1/disable", "/v1/webhooks/wh_1/deliveries/d1/redeliver");
    for (String path : paths) {
      assertRefused(post(path, "{\"x\":1}"), "unknown field 'x'");
    }
  }

  @Test
  void aBodylessKeyEndpoint_stillAcceptsTheEmptyObject() {
    s.createKey("emergency", null);
    TestServer.Resp r = post("/v1/keys/emergency/emergency-rotate", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("primary_version").asInt()).isEqualTo(2);
  }
}
