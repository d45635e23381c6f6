package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret puts with a cache: prepared on the event loop (secret and guardrail held) or on a worker. */
class SecretPutWithCacheTest {
  static final String ROOT = TestServer.ROOT;
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT).withCacheTtl(Duration.ofMinutes(5)));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static TestServer.Resp put(String name, String body) {
    return s.req("PUT", "/v1/secrets/" + name).token(ROOT).json(body).send();
  }

  private static List<JsonNode> records(String requestId) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode all = s.get("/v1/audit/records?from=1&limit=1000", ROOT).json().path("records");
    for (JsonNode r : all) {
      if (requestId.equals(r.path("request_id").asText())) {
        out.add(r);
      }
    }
    return out;
  }

  private static void oneRecord(TestServer.Resp r, String outcome, String code) {
    String id = r.header("X-Request-Id");
    List<JsonNode> found = records(id);
    assertThat(found).as("records of " + id + " " + r.body()).hasSize(1);
    assertThat(found.get(0).path("outcome").asText()).isEqualTo(outcome);
    assertThat(found.get(0).path("error_code").isTextual() ? found.get(0).path("error_code").asText() : null)
        .isEqualTo(code);
    assertThat(found.get(0).toString()).doesNotContain("s3cr3t");
  }

  @Test
  void putsOnBothPaths_answerOnce_auditOnce_andRefuseWith4xx() {
    TestServer.Resp created = put("db", "{\"value\":\"s3cr3t-1\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    oneRecord(created, "allowed", null);
    assertThat(s.get("/v1/secrets/db", ROOT).status()).isEqualTo(200);
    assertThat(s.get("/v1/secret-guardrail", ROOT).status()).isEqualTo(200);

    TestServer.Resp inMemory = put("db", "{\"value\":\"s3cr3t-2\"}");
    assertThat(inMemory.status()).as(inMemory.body()).isEqualTo(200);
    oneRecord(inMemory, "allowed", null);

    TestServer.Resp cas = put("db", "{\"value\":\"s3cr3t-3\",\"cas\":1}");
    assertThat(cas.status()).as(cas.body()).isEqualTo(409);
    assertThat(cas.body()).doesNotContain("s3cr3t");
    oneRecord(cas, "failed", "concurrent_modification");

    TestServer.Resp both = put("db", "{\"value\":\"s3cr3t-3\",\"ttl\":\"P1D\",\"expires_at\":\"2099-01-01T00:00:00Z\"}");
    assertThat(both.status()).as(both.body()).isEqualTo(400);
    oneRecord(both, "failed", "invalid_request");

    TestServer.Resp create0 = put("db", "{\"value\":\"s3cr3t-3\",\"cas\":0}");
    assertThat(create0.status()).as(create0.body()).isEqualTo(409);
    oneRecord(create0, "failed", "concurrent_modification");

    assertThat(s.req("PUT", "/v1/secret-guardrail").token(ROOT).json("{\"require_expiry\":true}").send().status())
        .isEqualTo(200);
    TestServer.Resp refused = put("db", "{\"value\":\"s3cr3t-4\"}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("denies secrets without an expiry").doesNotContain("s3cr3t");
    oneRecord(refused, "failed", "invalid_request");
    TestServer.Resp refusedNew = put("fresh", "{\"value\":\"s3cr3t-4\"}");
    assertThat(refusedNew.status()).as(refusedNew.body()).isEqualTo(400);
    oneRecord(refusedNew, "failed", "invalid_request");
    TestServer.Resp ok = put("db", "{\"value\":\"s3cr3t-5\",\"ttl\":\"P1D\"}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    oneRecord(ok, "allowed", null);
    assertThat(s.get("/v1/secrets/db", ROOT).json().path("version").asInt()).isEqualTo(3);
    assertThat(s.get("/v1/audit/verify", ROOT).json().path("valid").asBoolean()).isTrue();
  }
}
