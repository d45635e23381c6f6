package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random bytes and random JSON (fixed seed) to every endpoint: never a 5xx, always the error body. */
class FuzzTest {
  static final String ROOT = TestServer.ROOT;
  static final String[] FIELDS = {"name", "type", "tags", "plaintext", "context", "ciphertext", "batch", "message",
      "mac", "wrapped_only", "promote", "pending_days", "min_decryption_version", "min_encryption_version",
      "principal", "grants", "ttl", "role", "namespace", "keys", "share", "reset", "shares", "threshold"};
  static final List<String> CODES = List.of("invalid_request", "unauthenticated", "forbidden", "not_found",
      "already_exists", "illegal_state", "concurrent_modification", "decryption_failed", "unsupported_operation",
      "payload_too_large", "method_not_allowed", "already_initialized");
  @TempDir static Path dir;
  static TestServer s;
  static String ct;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    s.createKey("fz-aes", null);
    s.createKey("fz-mac", "hmac-sha256");
    ct = s.post("/v1/keys/fz-aes/encrypt", ROOT, "{\"plaintext\":\"aGk=\"}").json().get("ciphertext").asText();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** Every operation except seal and rotate-root (they would change the whole server, not one request). */
  static final String[][] ENDPOINTS = {
      {"GET", "/v1/health"}, {"GET", "/v1/sys/seal-status"}, {"POST", "/v1/sys/init"}, {"POST", "/v1/sys/unseal"},
      {"POST", "/v1/auth/tokens"}, {"GET", "/v1/auth/tokens"}, {"GET", "/v1/auth/tokens/self"},
      {"DELETE", "/v1/auth/tokens/tok_0011223344556677"}, {"POST", "/v1/keys"}, {"GET", "/v1/keys"},
      {"GET", "/v1/keys/fz-aes"}, {"PATCH", "/v1/keys/fz-aes"}, {"POST", "/v1/keys/fz-aes/rotate"},
      {"POST", "/v1/keys/fz-aes/emergency-rotate"}, {"POST", "/v1/keys/fz-aes/versions/1/schedule-destroy"},
      {"POST", "/v1/keys/fz-aes/versions/2/promote"}, {"POST", "/v1/keys/fz-aes/encrypt"},
      {"POST", "/v1/keys/fz-aes/decrypt"}, {"POST", "/v1/keys/fz-aes/rewrap"}, {"POST", "/v1/keys/fz-aes/datakey"},
      {"POST", "/v1/keys/fz-mac/mac"}, {"POST", "/v1/keys/fz-mac/mac/verify"}, {"GET", "/v1/audit/verify"},
      {"GET", "/v1/audit/records"}};

  private static FuzzInput input(Random r) {
    return new FuzzInput(r, List.of(FIELDS), List.of(ct));
  }

  private static void check(List<String> problems, String what, TestServer.Resp r) {
    if (r.status() >= 500) {
      problems.add(what + " -> " + r.status() + " " + r.body());
      return;
    }
    if (r.status() >= 400) {
      String code;
      try {
        code = r.errorCode();
      } catch (AssertionError e) {
        code = null;
      }
      if (code == null || !CODES.contains(code)) {
        problems.add(what + " -> " + r.status() + " without a known error code: " + r.body());
      }
    }
  }

  @Test
  void randomJsonBodies_neverCauseA5xx() {
    Random r = new Random(20261122L);
    FuzzInput in = input(r);
    List<String> problems = new ArrayList<>();
    for (String[] e : ENDPOINTS) {
      for (int i = 0; i < 25; i++) {
        String body = i % 3 == 0 ? in.json(0) : "{\"" + in.field() + "\":" + in.json(1) + "}";
        check(problems, e[0] + " " + e[1] + " <- " + body, s.req(e[0], e[1]).token(ROOT).json(body).send());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void randomBytes_neverCauseA5xx() {
    Random r = new Random(7L);
    List<String> problems = new ArrayList<>();
    for (String[] e : ENDPOINTS) {
      for (int i = 0; i < 10; i++) {
        byte[] raw = new byte[r.nextInt(300)];
        r.nextBytes(raw);
        TestServer.Req req = s.req(e[0], e[1]).token(i % 5 == 0 ? null : ROOT).bytes(raw);
        if (i % 2 == 0) {
          req.header("Content-Type", "application/json");
        }
        check(problems, e[0] + " " + e[1] + " <- " + raw.length + " random bytes #" + i, req.send());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void randomPathsAndHeaders_neverCauseA5xx() {
    Random r = new Random(99L);
    List<String> problems = new ArrayList<>();
    String[] templates = {"/v1/keys/%s", "/v1/keys/%s/encrypt", "/v1/keys/fz-aes/versions/%s/enable",
        "/v1/keys/fz-aes/versions/1/%s", "/v1/auth/tokens/%s", "/v1/%s", "/v1/keys?limit=%s&after=%s",
        "/v1/audit/records?from=%s&limit=%s"};
    for (int i = 0; i < 200; i++) {
      StringBuilder seg = new StringBuilder();
      int n = 1 + r.nextInt(20);
      for (int j = 0; j < n; j++) {
        int c = r.nextInt(5) == 0 ? r.nextInt(256) : 'a' + r.nextInt(26);
        seg.append(String.format("%%%02X", c));
      }
      String t = templates[r.nextInt(templates.length)];
      String path = t.replace("%s", seg.toString());
      String[] methods = {"GET", "POST", "PATCH", "DELETE", "PUT"};
      TestServer.Req req = s.req(methods[r.nextInt(methods.length)], path).token(ROOT);
      if (r.nextBoolean()) {
        req.namespace(new String(new char[] {(char) ('a' + r.nextInt(26)), (char) (33 + r.nextInt(90))}));
      }
      if (r.nextBoolean()) {
        req.json("{\"plaintext\":\"aGk=\"}");
      }
      check(problems, path, req.send());
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void batches_withRandomItems_answerItemByItem() {
    Random r = new Random(5L);
    FuzzInput in = input(r);
    List<String> problems = new ArrayList<>();
    for (String op : List.of("encrypt", "decrypt", "rewrap")) {
      for (int i = 0; i < 20; i++) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        int n = 1 + r.nextInt(5);
        for (int j = 0; j < n; j++) {
          b.append(j > 0 ? "," : "").append(r.nextInt(4) == 0 ? "null"
              : "{\"" + (op.equals("encrypt") ? "plaintext" : "ciphertext") + "\":" + in.json(2) + "}");
        }
        String body = b.append("]}").toString();
        check(problems, op + " <- " + body, s.post("/v1/keys/fz-aes/" + op, ROOT, body));
      }
    }
    String thousandAndOne = "{\"batch\":[" + "{\"plaintext\":\"aGk=\"},".repeat(1000) + "{\"plaintext\":\"aGk=\"}]}";
    assertThat(s.post("/v1/keys/fz-aes/encrypt", ROOT, thousandAndOne).errorCode()).isEqualTo("invalid_request");
    assertThat(s.post("/v1/keys/fz-aes/encrypt", ROOT, "{\"batch\":[]}").errorCode()).isEqualTo("invalid_request");
    assertThat(problems).isEmpty();
  }
}
