package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compromise assessment works from the audit trail: it must tell an emergency rotation from a
 * routine one, name the version revoked as compromised, and name the version each rewrap read.
 */
class CompromiseAuditTest {
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

  /** The one audit record of the request sent with {@code requestId}. */
  private static JsonNode record(String requestId) {
    List<JsonNode> matching = s.auditAfter(0).stream().filter(r -> requestId.equals(r.path("request_id").asText())).toList();
    assertThat(matching).as("records of " + requestId).hasSize(1);
    return matching.get(0);
  }

  private static JsonNode send(String path, String body, String requestId) {
    TestServer.Resp r = s.req("POST", path).token(ROOT).header("X-Request-Id", requestId).json(body).send();
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void emergencyRotate_record_namesTheRevokedVersion_unlikeARoutineRotation() {
    s.createKey("assessed", null);
    send("/v1/keys/assessed/rotate", "{}", "routine-rotation");
    send("/v1/keys/assessed/emergency-rotate", "{}", "emergency-rotation");

    JsonNode routine = record("routine-rotation");
    assertThat(routine.get("action").asText()).isEqualTo("key.rotate");
    assertThat(routine.has("details")).as(routine.toString()).isFalse();

    JsonNode emergency = record("emergency-rotation");
    assertThat(emergency.get("action").asText()).isEqualTo("key.rotate");
    assertThat(emergency.get("version").asInt()).isEqualTo(3);
    assertThat(emergency.get("details").get("emergency").asBoolean()).as(emergency.toString()).isTrue();
    assertThat(emergency.get("details").get("revoked_version").asInt()).as(emergency.toString()).isEqualTo(2);
  }

  @Test
  void emergencyRotate_ofANamedVersion_revokesThatOne_evenWhenNoLongerPrimary() {
    s.createKey("named", null);
    s.post("/v1/keys/named/rotate", ROOT, "{}"); // v1 active, v2 primary: the operator saw v1 as primary
    JsonNode key = send("/v1/keys/named/emergency-rotate", "{\"version\":1}", "named-emergency");
    assertThat(key.get("primary_version").asInt()).as("the primary is not compromised: it stays").isEqualTo(2);
    assertThat(key.get("latest_version").asInt()).as("no new version").isEqualTo(2);
    assertThat(key.toString()).contains("revoked");
    JsonNode rec = record("named-emergency");
    assertThat(rec.get("details").get("revoked_version").asInt()).as(rec.toString()).isEqualTo(1);

    // asked again about the version revoked above: nothing changes, and the trail must not show a second revocation
    send("/v1/keys/named/emergency-rotate", "{\"version\":1}", "named-emergency-again");
    JsonNode again = record("named-emergency-again");
    assertThat(again.get("details").has("revoked_version")).as(again.toString()).isFalse();
    assertThat(again.get("details").get("compromised_version").asInt()).as(again.toString()).isEqualTo(1);
    assertThat(again.get("details").get("unchanged").asBoolean()).as(again.toString()).isTrue();

    JsonNode rotated = send("/v1/keys/named/emergency-rotate", "{\"version\":2}", "named-emergency-2");
    assertThat(rotated.get("primary_version").asInt()).as("a compromised primary is replaced").isEqualTo(3);

    for (String bad : List.of("{\"version\":0}", "{\"version\":-1}", "{\"version\":\"1\"}", "{\"versoin\":1}", "[1]")) {
      TestServer.Resp r = s.req("POST", "/v1/keys/named/emergency-rotate").token(ROOT).json(bad).send();
      assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body()).contains("invalid_request");
    }
    TestServer.Resp missing = s.req("POST", "/v1/keys/named/emergency-rotate").token(ROOT)
        .header("X-Request-Id", "named-missing").json("{\"version\":9}").send();
    assertThat(missing.status()).as(missing.body()).isEqualTo(404);
    JsonNode refused = record("named-missing");
    assertThat(refused.get("outcome").asText()).isEqualTo("failed");
    assertThat(refused.get("details").get("compromised_version").asInt()).as(refused.toString()).isEqualTo(9);
    assertThat(s.get("/v1/keys/named", ROOT).json().get("latest_version").asInt()).as("refusals changed nothing").isEqualTo(3);
  }

  @Test
  void rewraps_record_theVersionTheyRead() {
    s.createKey("moved", null);
    String v1 = send("/v1/keys/moved/encrypt", "{\"plaintext\":\"aGVsbG8=\"}", "moved-encrypt").get("ciphertext").asText();
    s.post("/v1/keys/moved/rotate", ROOT, "{}");
    String v2 = send("/v1/keys/moved/encrypt", "{\"plaintext\":\"aGVsbG8=\"}", "moved-encrypt-2").get("ciphertext").asText();
    send("/v1/keys/moved/rewrap", "{\"ciphertext\":\"" + v1 + "\"}", "moved-rewrap");
    send("/v1/keys/moved/emergency-rotate", "{}", "moved-emergency");
    send("/v1/keys/moved/emergency-rewrap", "{\"ciphertext\":\"" + v2 + "\"}", "moved-emergency-rewrap");

    JsonNode rewrap = record("moved-rewrap");
    assertThat(rewrap.get("version").asInt()).isEqualTo(2);
    assertThat(rewrap.get("details").get("from_version").asInt()).as(rewrap.toString()).isEqualTo(1);
    JsonNode emergency = record("moved-emergency-rewrap");
    assertThat(emergency.get("action").asText()).isEqualTo("emergency.rewrap");
    assertThat(emergency.get("version").asInt()).isEqualTo(3);
    assertThat(emergency.get("details").get("from_version").asInt()).as(emergency.toString()).isEqualTo(2);
  }

  @Test
  void batchRewraps_record_theVersionsTheyRead() {
    s.createKey("batched", null);
    String v1 = send("/v1/keys/batched/encrypt", "{\"plaintext\":\"aGVsbG8=\"}", "batched-1").get("ciphertext").asText();
    s.post("/v1/keys/batched/rotate", ROOT, "{}");
    String v2 = send("/v1/keys/batched/encrypt", "{\"plaintext\":\"aGVsbG8=\"}", "batched-2").get("ciphertext").asText();
    s.post("/v1/keys/batched/emergency-rotate", ROOT, "{}");
    send("/v1/keys/batched/emergency-rewrap", "{\"batch\":[{\"ciphertext\":\"" + v1 + "\"},{\"ciphertext\":\"" + v2
        + "\"},{\"ciphertext\":\"rekey:v9:AAAA\"}]}", "batched-rewrap");

    JsonNode rec = record("batched-rewrap");
    assertThat(rec.get("details").get("batch").asInt()).as(rec.toString()).isEqualTo(3);
    assertThat(rec.get("details").get("errors").asInt()).as(rec.toString()).isEqualTo(1);
    List<Integer> read = new java.util.ArrayList<>();
    rec.get("details").get("from_versions").forEach(v -> read.add(v.asInt()));
    assertThat(read).as("read, or tried and refused: " + rec).containsExactly(1, 2, 9);
  }

  /** After a compromise, attempts to use the revoked version are what an assessor looks for. */
  @Test
  void refusedDecryptsAndRewraps_record_theVersionTheyTried() {
    s.createKey("tried", null);
    String v1 = send("/v1/keys/tried/encrypt", "{\"plaintext\":\"aGVsbG8=\"}", "tried-1").get("ciphertext").asText();
    s.post("/v1/keys/tried/emergency-rotate", ROOT, "{}");

    TestServer.Resp refused = s.req("POST", "/v1/keys/tried/decrypt").token(ROOT).header("X-Request-Id", "tried-decrypt")
        .json("{\"ciphertext\":\"" + v1 + "\"}").send();
    assertThat(refused.status()).isEqualTo(400);
    JsonNode decrypt = record("tried-decrypt");
    assertThat(decrypt.get("outcome").asText()).isEqualTo("failed");
    assertThat(decrypt.get("version").asInt()).as(decrypt.toString()).isEqualTo(1);

    TestServer.Resp rewrap = s.req("POST", "/v1/keys/tried/rewrap").token(ROOT).header("X-Request-Id", "tried-rewrap")
        .json("{\"ciphertext\":\"" + v1 + "\"}").send();
    assertThat(rewrap.status()).isEqualTo(400);
    JsonNode rec = record("tried-rewrap");
    assertThat(rec.get("details").get("from_version").asInt()).as(rec.toString()).isEqualTo(1);

    TestServer.Resp garbage = s.req("POST", "/v1/keys/tried/decrypt").token(ROOT).header("X-Request-Id", "tried-garbage")
        .json("{\"ciphertext\":\"not-a-ciphertext\"}").send();
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(record("tried-garbage").path("version").asInt()).as("no version named: none recorded").isZero();

    send("/v1/keys/tried/decrypt", "{\"batch\":[{\"ciphertext\":\"" + v1 + "\"},{\"ciphertext\":\"x\"}]}", "tried-batch");
    JsonNode batch = record("tried-batch");
    assertThat(batch.get("details").get("errors").asInt()).as(batch.toString()).isEqualTo(2);
    assertThat(batch.get("details").get("versions").toString()).as(batch.toString()).isEqualTo("[1]");

    // a batch refused as a whole (no such key) still names what its items claimed
    TestServer.Resp missing = s.req("POST", "/v1/keys/no-such-key/rewrap").token(ROOT)
        .header("X-Request-Id", "tried-missing-key").json("{\"batch\":[{\"ciphertext\":\"" + v1 + "\"}]}").send();
    assertThat(missing.status()).isEqualTo(404);
    JsonNode whole = record("tried-missing-key");
    assertThat(whole.get("details").get("from_versions").toString()).as(whole.toString()).isEqualTo("[1]");
  }
}
