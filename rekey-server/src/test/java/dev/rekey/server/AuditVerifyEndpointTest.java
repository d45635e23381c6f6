package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditSigningKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET and POST /v1/audit/verify: concurrent callers, the anchor an intact trail gives, and checks against one. */
class AuditVerifyEndpointTest {
  @TempDir Path dir;

  @Test
  void concurrentVerifies_allAnswerValid_fromOneWalkAtATime() throws Exception {
    try (TestServer s = TestServer.dev(dir)) {
      for (int i = 0; i < 50; i++) {
        s.post("/v1/keys", TestServer.ROOT, "{\"name\":\"k" + i + "\"}");
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<TestServer.Resp>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          calls.add(CompletableFuture.supplyAsync(() -> s.get("/v1/audit/verify", TestServer.ROOT), pool));
        }
        for (CompletableFuture<TestServer.Resp> call : calls) {
          TestServer.Resp r = call.get();
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          assertThat(r.json().get("valid").asBoolean()).as(r.body()).isTrue();
          assertThat(r.json().get("records").asLong()).isGreaterThanOrEqualTo(50);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static String withAnchor(JsonNode anchor) {
    return "{\"anchor\":" + anchor + "}";
  }

  private static ObjectNode changed(JsonNode anchor, String field, Object value) {
    ObjectNode copy = anchor.deepCopy();
    if (value instanceof Long n) {
      copy.put(field, n);
    } else {
      copy.put(field, (String) value);
    }
    return copy;
  }

  @Test
  void post_anchorFromAnIntactTrail_isValid_andOnesNotFromThisTrailAreBroken() {
    try (TestServer s = TestServer.dev(dir)) {
      s.createKey("ledger", null);
      assertThat(s.get("/v1/audit/verify", TestServer.ROOT).json().path("anchor").isMissingNode()).isTrue();
    } // closing signs the tail
    try (TestServer s = TestServer.dev(dir)) {
      JsonNode verified = s.get("/v1/audit/verify", TestServer.ROOT).json();
      JsonNode anchor = verified.get("anchor");
      assertThat(anchor.get("seq").asLong()).isEqualTo(verified.get("records").asLong());
      assertThat(anchor.get("hash").asText()).hasSize(64);
      assertThat(anchor.get("key_id").asText()).startsWith("ed25519:");
      assertThat(Instant.parse(anchor.get("at").asText())).isBefore(Instant.now().plusSeconds(1));

      TestServer.Resp held = s.post("/v1/audit/verify", TestServer.ROOT, withAnchor(anchor));
      assertThat(held.status()).as(held.body()).isEqualTo(200);
      assertThat(held.json().get("valid").asBoolean()).as(held.body()).isTrue();
      assertThat(held.json().get("anchor")).isEqualTo(anchor);

      AuditCheckpoint foreign = AuditSigningKey.generate().sign(anchor.get("seq").asLong(), anchor.get("hash").asText(),
          Instant.parse(anchor.get("at").asText()));
      TestServer.Resp other = s.post("/v1/audit/verify", TestServer.ROOT, withAnchor(changed(
          changed(anchor, "key_id", foreign.keyId()), "signature", foreign.signature())));
      assertThat(other.status()).isEqualTo(200);
      assertThat(other.json().get("valid").asBoolean()).isFalse();
      assertThat(other.json().get("first_broken_seq").asLong()).isEqualTo(1);
      assertThat(other.json().get("reason").asText()).contains("another server");
      assertThat(other.json().path("anchor").isMissingNode()).isTrue();

      TestServer.Resp altered = s.post("/v1/audit/verify", TestServer.ROOT, withAnchor(changed(anchor, "at",
          Instant.parse(anchor.get("at").asText()).plusNanos(1_000).toString())));
      assertThat(altered.json().get("valid").asBoolean()).isFalse();
      assertThat(altered.json().get("reason").asText()).contains("altered");

      TestServer.Resp beyond = s.post("/v1/audit/verify", TestServer.ROOT, withAnchor(changed(anchor, "seq",
          anchor.get("seq").asLong() + 1_000_000)));
      assertThat(beyond.json().get("valid").asBoolean()).isFalse();
    }
  }

  @Test
  void post_malformedAnchor_is400() {
    try (TestServer s = TestServer.dev(dir)) {
      JsonNode anchor = TestServer.JSON.createObjectNode().put("seq", 5).put("hash", "ab".repeat(32))
          .put("at", "2026-11-22T10:00:00.123456Z").put("key_id", "ed25519:0123456789abcdef").put("signature", "c2ln");
      for (String body : new String[] {"{}", "{\"anchor\":null}", "{\"anchor\":{}}",
          withAnchor(changed(anchor, "seq", 0L)), withAnchor(changed(anchor, "hash", "AB".repeat(32))),
          withAnchor(changed(anchor, "hash", "ab")), withAnchor(changed(anchor, "at", "yesterday")),
          withAnchor(changed(anchor, "key_id", "")), withAnchor(changed(anchor, "signature", " ")),
          withAnchor(changed(anchor, "extra", "x")), "{\"anchor\":" + anchor + ",\"more\":1}"}) {
        TestServer.Resp r = s.post("/v1/audit/verify", TestServer.ROOT, body);
        assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
        assertThat(r.errorCode()).as(body).isEqualTo("invalid_request");
      }
    }
  }
}
