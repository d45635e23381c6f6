package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract: every bad request gets the JSON error body with its stable code and the
 * fitting 4xx, never a 500, and a failed request leaves nothing behind.
 */
class ErrorContractTest {
  static final int MAX_BYTES = 8192;
  static final String ROOT = TestServer.ROOT;
  @TempDir static Path dir;
  static TestServer s;

  /** One endpoint that takes a JSON body, with a valid body for it. */
  record BodyEndpoint(String method, String path, String validBody, boolean bodyOptional) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static List<BodyEndpoint> bodyEndpoints;

  @BeforeAll
  static void start() {
    s = TestServer.start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT).toBuilder().cacheTtl(Duration.ZERO)
        .maxRequestBytes(MAX_BYTES).eventLoops(2).build());
    s.createKey("aes-k", null);
    s.createKey("mac-k", "hmac-sha256");
    s.createKey("sd-k", null);
    s.post("/v1/keys/sd-k/rotate", ROOT, "{\"promote\":false}");
    String ct = s.post("/v1/keys/aes-k/encrypt", ROOT, "{\"plaintext\":\"aGVsbG8=\"}").json().get("ciphertext").asText();
    String mac = s.post("/v1/keys/mac-k/mac", ROOT, "{\"message\":\"aGVsbG8=\"}").json().get("mac").asText();
    bodyEndpoints = List.of(
        new BodyEndpoint("POST", "/v1/sys/unseal", "{\"reset\":true}", false),
        new BodyEndpoint("POST", "/v1/auth/tokens",
            "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],\"ttl\":\"PT1H\"}", false),
        new BodyEndpoint("POST", "/v1/keys", "{\"name\":\"made-by-valid-body\",\"tags\":{\"a\":\"b\"}}", false),
        new BodyEndpoint("PATCH", "/v1/keys/aes-k", "{\"tags\":{\"team\":\"x\"}}", false),
        new BodyEndpoint("POST", "/v1/keys/aes-k/rotate", "{\"promote\":false}", true),
        new BodyEndpoint("POST", "/v1/keys/sd-k/versions/2/schedule-destroy", "{\"pending_days\":30}", true),
        new BodyEndpoint("POST", "/v1/keys/aes-k/encrypt", "{\"plaintext\":\"aGVsbG8=\",\"context\":\"Y3R4\"}", false),
        new BodyEndpoint("POST", "/v1/keys/aes-k/decrypt", "{\"ciphertext\":\"" + ct + "\"}", false),
        new BodyEndpoint("POST", "/v1/keys/aes-k/rewrap", "{\"ciphertext\":\"" + ct + "\"}", false),
        new BodyEndpoint("POST", "/v1/keys/aes-k/datakey", "{\"wrapped_only\":true}", true),
        new BodyEndpoint("POST", "/v1/keys/mac-k/mac", "{\"message\":\"aGVsbG8=\"}", false),
        new BodyEndpoint("POST", "/v1/keys/mac-k/mac/verify", "{\"message\":\"aGVsbG8=\",\"mac\":\"" + mac + "\"}", false));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void assertError(TestServer.Resp r, int status, String code, String what) {
    assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).as(what).startsWith("application/json");
    JsonNode error = r.json().get("error");
    assertThat(error).as(what + ": " + r.body()).isNotNull();
    assertThat(error.get("code").asText()).as(what + ": " + r.body()).isEqualTo(code);
    assertThat(error.get("message").asText()).as(what).isNotBlank();
    assertThat(r.header("x-request-id")).as(what).isNotBlank();
  }

  private static TestServer.Resp send(BodyEndpoint e, String body) {
    return s.req(e.method(), e.path()).token(ROOT).json(body).send();
  }

  @Test
  void validBodies_areAccepted_soTheRejectionsBelowAreAboutTheBody() {
    for (BodyEndpoint e : bodyEndpoints) {
      TestServer.Resp r = send(e, e.validBody());
      assertThat(r.status()).as(e + ": " + r.body()).isBetween(200, 299);
    }
  }

  @Test
  void head_isAnsweredAsGet_withoutTheBody() throws Exception {
    java.net.URI base = java.net.URI.create(s.base);
    for (String target : List.of("/v1/health", "/v1/keys")) {
      try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
        socket.getOutputStream().write(("HEAD " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ROOT
            + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(target).startsWith("HTTP/1.1 200");
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).as(target + ": no body").isEmpty();
      }
    }
    TestServer.Resp notAllowed = s.req("DELETE", "/v1/health").send();
    assertThat(notAllowed.status()).isEqualTo(405);
    assertThat(notAllowed.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void booleanQueryParameter_otherThanTrueOrFalse_isInvalidRequest() {
    for (String path : List.of("/v1/rewrap-campaigns?active=maybe", "/v1/rewrap-campaigns?active=TRUE",
        "/v1/rewrap-campaigns?active=")) {
      TestServer.Resp r = s.get(path, ROOT);
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.body()).as(path).contains("\"invalid_request\"").contains("'active' must be true or false");
    }
    assertThat(s.get("/v1/rewrap-campaigns?active=true", ROOT).status()).isEqualTo(200);
    assertThat(s.get("/v1/rewrap-campaigns?active=false", ROOT).status()).isEqualTo(200);
  }

  /** Percent-encoding the JDK's URI class would refuse, so it goes over a raw socket. */
  @Test
  void malformedQueryString_isInvalidRequest_notInternal() throws Exception {
    java.net.URI base = java.net.URI.create(s.base);
    for (String target : List.of("/v1/keys?limit=%zz", "/v1/keys?limit=%", "/v1/keys?x=%zz", "/v1/audit/records?from=%zz")) {
      try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ROOT
            + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(target).startsWith("HTTP/1.1 400").contains("\"invalid_request\"");
      }
    }
  }

  /**
   * A request the HTTP decoder cannot read (a request line or headers over the limits, a malformed
   * header line, two lengths, an HTTP version other than 1.0 and 1.1) gets the error contract like
   * any other bad request, not an empty 414, 431, 400 or 501; it is audited as unrouted, and its
   * connection is closed.
   */
  @Test
  void undecodableRequest_getsTheJsonError_isAudited_andTheConnectionCloses() throws Exception {
    java.net.URI base = java.net.URI.create(s.base);
    long before = s.lastAuditSeq();
    String[][] cases = {
        {"GET /v1/keys/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n", "the request line is too long"},
        {"GET /v1/keys HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17000) + "\r\n", "the request headers are too large"},
        {"GET /v1/keys HTTP/1.1\r\nHost: x\r\nNot a header\r\n", "not valid HTTP/1.1"},
        {"POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n", "not valid HTTP/1.1"},
        {"GET /v1/keys HTTP/9.9\r\nHost: x\r\n", "the HTTP version is not supported"},
        {"GET /v1/keys HTTP/2.0\r\nHost: x\r\n", "the HTTP version is not supported"}};
    for (String[] c : cases) {
      try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
        socket.setSoTimeout(3_000); // the connection closes after the answer, without waiting for the client
        socket.getOutputStream().write((c[0] + "Authorization: Bearer " + ROOT + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(c[1]).matches("(?s)HTTP/1\\.[01] 400 .*")
            .contains("content-type: application/json").contains("\"code\":\"invalid_request\"").contains(c[1])
            .doesNotContain("bbbb");
      }
    }
    List<JsonNode> trail = s.auditAfter(before).stream().filter(r -> r.get("action").asText().equals("unrouted")).toList();
    assertThat(trail).hasSize(cases.length).allSatisfy(r -> {
      assertThat(r.get("outcome").asText()).isEqualTo("failed");
      assertThat(r.get("error_code").asText()).isEqualTo("invalid_request");
    });
  }

  /** {@code Expect: 100-continue}: a body over the limit is refused before the client uploads it; one within it is invited. */
  @Test
  void expectContinue_tooLargeGets413WithoutContinue_acceptableGetsContinueThenTheAnswer() throws Exception {
    java.net.URI base = java.net.URI.create(s.base);
    String head = "POST /v1/keys/aes-k/encrypt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ROOT
        + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nConnection: close\r\n";
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write((head + "Content-Length: 2000000\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
    }
    byte[] body = "{\"plaintext\":\"aGVsbG8=\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write((head + "Content-Length: " + body.length + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] interim = new byte[25];
      int read = 0;
      while (read < interim.length) {
        int n = socket.getInputStream().read(interim, read, interim.length - read);
        assertThat(n).isPositive();
        read += n;
      }
      assertThat(new String(interim, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      socket.getOutputStream().write(body);
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("\"ciphertext\"");
    }
  }

  /**
   * A client that uploads a body far over the limit without {@code Expect: 100-continue} still
   * reads the 413: the server drains what it goes on sending (up to a bound) before it closes,
   * instead of resetting the connection under the client's upload.
   */
  @Test
  void tooLargeUpload_withoutExpectContinue_clientReadsThe413() throws Exception {
    java.net.URI base = java.net.URI.create(s.base);
    int total = 4 << 20;
    String head = "POST /v1/keys/aes-k/encrypt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ROOT
        + "\r\nContent-Type: application/json\r\nContent-Length: " + total + "\r\n\r\n";
    for (int attempt = 0; attempt < 5; attempt++) {
      try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
        socket.setSoTimeout(10_000);
        java.io.OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'A');
        for (int sent = 0; sent < total; sent += chunk.length) {
          out.write(chunk); // a reset under the upload fails here
        }
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("payload_too_large");
      }
    }
  }

  @Test
  void malformedJson_isInvalidRequest_onEveryEndpoint() {
    for (BodyEndpoint e : bodyEndpoints) {
      for (String bad : List.of("{", "{\"a\":", "not json", "{\"plaintext\":\"aGVsbG8=\"} trailing", "{'a':1}",
          "\u0000\u0001", "{\"a\":1,}")) {
        assertError(send(e, bad), 400, "invalid_request", e + " <- " + bad);
      }
    }
  }

  @Test
  void unknownFields_areInvalidRequest_onEveryEndpoint() {
    for (BodyEndpoint e : bodyEndpoints) {
      String body = e.validBody().substring(0, e.validBody().length() - 1) + ",\"surprise\":1}";
      TestServer.Resp r = send(e, body);
      assertError(r, 400, "invalid_request", e + " <- " + body);
      assertThat(r.json().at("/error/message").asText()).contains("surprise");
    }
  }

  @Test
  void wrongTopLevelTypes_areInvalidRequest_onEveryEndpoint() {
    for (BodyEndpoint e : bodyEndpoints) {
      for (String bad : List.of("[]", "[{}]", "\"text\"", "42", "true", "3.5")) {
        assertError(send(e, bad), 400, "invalid_request", e + " <- " + bad);
      }
    }
  }

  @Test
  void wrongFieldTypes_areInvalidRequest() {
    String[][] cases = {
        {"POST", "/v1/keys", "{\"name\":{\"x\":1}}"},
        {"POST", "/v1/keys", "{\"name\":[\"a\"]}"},
        {"POST", "/v1/keys", "{\"name\":\"typed\",\"tags\":[\"a\"]}"},
        {"POST", "/v1/keys", "{\"name\":\"typed\",\"tags\":{\"a\":{\"b\":1}}}"},
        {"PATCH", "/v1/keys/aes-k", "{\"min_decryption_version\":\"two\"}"},
        {"PATCH", "/v1/keys/aes-k", "{\"min_decryption_version\":{}}"},
        {"PATCH", "/v1/keys/aes-k", "{\"min_encryption_version\":99999999999999}"},
        {"POST", "/v1/keys/aes-k/rotate", "{\"promote\":\"maybe\"}"},
        {"POST", "/v1/keys/aes-k/rotate", "{\"promote\":[]}"},
        {"POST", "/v1/keys/aes-k/encrypt", "{\"plaintext\":{}}"},
        {"POST", "/v1/keys/aes-k/encrypt", "{\"plaintext\":[\"aGVsbG8=\"]}"},
        {"POST", "/v1/keys/aes-k/encrypt", "{\"batch\":{}}"},
        {"POST", "/v1/keys/aes-k/encrypt", "{\"batch\":\"x\"}"},
        {"POST", "/v1/keys/aes-k/decrypt", "{\"ciphertext\":{}}"},
        {"POST", "/v1/keys/aes-k/datakey", "{\"wrapped_only\":\"perhaps\"}"},
        {"POST", "/v1/keys/aes-k/versions/1/schedule-destroy", "{\"pending_days\":\"soon\"}"},
        {"POST", "/v1/keys/mac-k/mac/verify", "{\"message\":\"aGVsbG8=\",\"mac\":[]}"},
        {"POST", "/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":\"admin\"}"},
        {"POST", "/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":[\"admin\"]}"},
        {"POST", "/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],\"ttl\":5}"},
        {"POST", "/v1/sys/unseal", "{\"reset\":\"yes\"}"},
    };
    for (String[] c : cases) {
      assertError(s.req(c[0], c[1]).token(ROOT).json(c[2]).send(), 400, "invalid_request", c[0] + " " + c[1] + " <- " + c[2]);
    }
  }

  @Test
  void missingRequiredFields_areInvalidRequest() {
    String[][] cases = {
        {"/v1/keys", "{}"},
        {"/v1/keys", "{\"name\":null}"},
        {"/v1/keys/aes-k/encrypt", "{}"},
        {"/v1/keys/aes-k/encrypt", "{\"context\":\"Y3R4\"}"},
        {"/v1/keys/aes-k/encrypt", "{\"batch\":[{}]}"},
        {"/v1/keys/aes-k/decrypt", "{}"},
        {"/v1/keys/aes-k/rewrap", "{}"},
        {"/v1/keys/mac-k/mac", "{}"},
        {"/v1/keys/mac-k/mac/verify", "{\"message\":\"aGVsbG8=\"}"},
        {"/v1/keys/mac-k/mac/verify", "{\"mac\":\"rekey:v1:AAAA\"}"},
        {"/v1/auth/tokens", "{\"principal\":\"p\"}"},
        {"/v1/auth/tokens", "{\"grants\":[{\"role\":\"auditor\"}]}"},
        {"/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":[{}]}"},
        {"/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":[]}"},
        {"/v1/sys/unseal", "{}"},
    };
    for (String[] c : cases) {
      TestServer.Resp r = s.post(c[0], ROOT, c[1]);
      if (c[1].contains("batch")) {
        // a batch answers item by item: the bad item carries the invalid_request
        assertThat(r.status()).as(c[0] + " " + c[1]).isEqualTo(200);
        assertThat(r.json().at("/batch_results/0/error/code").asText()).isEqualTo("invalid_request");
      } else {
        assertError(r, 400, "invalid_request", c[0] + " <- " + c[1]);
      }
    }
    for (String path : List.of("/v1/keys", "/v1/keys/aes-k/encrypt", "/v1/keys/aes-k/decrypt",
        "/v1/keys/aes-k/rewrap", "/v1/keys/mac-k/mac", "/v1/keys/mac-k/mac/verify", "/v1/auth/tokens",
        "/v1/sys/unseal", "/v1/keys/aes-k")) {
      String method = path.equals("/v1/keys/aes-k") ? "PATCH" : "POST";
      assertError(s.req(method, path).token(ROOT).send(), 400, "invalid_request", method + " " + path + " without a body");
    }
  }

  @Test
  void malformedBase64_isInvalidRequest() {
    for (String bad : List.of("!!!!", "aGVs bG8=", "aGVsbG8==", "a", "é")) {
      String q = "\"" + bad + "\"";
      String[][] cases = {
          {"/v1/keys/aes-k/encrypt", "{\"plaintext\":" + q + "}"},
          {"/v1/keys/aes-k/encrypt", "{\"plaintext\":\"aGVsbG8=\",\"context\":" + q + "}"},
          {"/v1/keys/aes-k/decrypt", "{\"ciphertext\":\"rekey:v1:AAAA\",\"context\":" + q + "}"},
          {"/v1/keys/aes-k/rewrap", "{\"ciphertext\":\"rekey:v1:AAAA\",\"context\":" + q + "}"},
          {"/v1/keys/aes-k/datakey", "{\"context\":" + q + "}"},
          {"/v1/keys/mac-k/mac", "{\"message\":" + q + "}"},
          {"/v1/keys/mac-k/mac/verify", "{\"message\":" + q + ",\"mac\":\"rekey:v1:AAAA\"}"},
      };
      for (String[] c : cases) {
        assertError(s.post(c[0], ROOT, c[1]), 400, "invalid_request", c[0] + " <- " + c[1]);
      }
    }
  }

  @Test
  void malformedCiphertext_isTheGenericDecryptionFailure() {
    for (String bad : List.of("", "rekey:v1:", "rekey:v1:AAAA", "rekey:vx:AAAA", "rekey:v0:AAAA", "garbage",
        "rekey:v99:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "rekey:v-1:AAAA")) {
      for (String op : List.of("decrypt", "rewrap")) {
        assertError(s.post("/v1/keys/aes-k/" + op, ROOT, "{\"ciphertext\":\"" + bad + "\"}"), 400,
            "decryption_failed", op + " <- " + bad);
      }
    }
  }

  @Test
  void wrongKeyType_isUnsupportedOperation() {
    assertError(s.post("/v1/keys/mac-k/encrypt", ROOT, "{\"plaintext\":\"aGVsbG8=\"}"), 400, "unsupported_operation", "encrypt with hmac");
    assertError(s.post("/v1/keys/aes-k/mac", ROOT, "{\"message\":\"aGVsbG8=\"}"), 400, "unsupported_operation", "mac with aes");
  }

  @Test
  void badPathParameters_areInvalidRequestOrNotFound() {
    for (String version : List.of("abc", "0", "-1", "1.5", "99999999999", "%20")) {
      assertError(s.post("/v1/keys/aes-k/versions/" + version + "/enable", ROOT, ""), 400, "invalid_request",
          "version " + version);
    }
    assertError(s.post("/v1/keys/aes-k/versions/1/explode", ROOT, ""), 400, "invalid_request", "unknown action");
    assertError(s.post("/v1/keys/aes-k/versions/77/enable", ROOT, ""), 404, "not_found", "no such version");
    for (String name : List.of(".hidden", "-x", "a%20b", "%C3%A9", "x".repeat(129), "a%2Fb")) {
      TestServer.Resp r = s.get("/v1/keys/" + name, ROOT);
      assertThat(r.status()).as(name + ": " + r.body()).isIn(400, 404);
      assertThat(r.errorCode()).as(name).isIn("invalid_request", "not_found");
      assertError(s.post("/v1/keys/" + name + "/encrypt", ROOT, "{\"plaintext\":\"aGVsbG8=\"}"),
          r.status(), r.errorCode(), "encrypt on " + name);
    }
    assertError(s.get("/v1/keys/no-such-key", ROOT), 404, "not_found", "unknown key");
    assertError(s.post("/v1/keys/no-such-key/encrypt", ROOT, "{\"plaintext\":\"aGVsbG8=\"}"), 404, "not_found", "encrypt unknown key");
    assertError(s.req("DELETE", "/v1/auth/tokens/tok_nope").token(ROOT).send(), 404, "not_found", "unknown token");
    for (String q : List.of("limit=0", "limit=abc", "limit=100000", "limit=-5")) {
      assertError(s.get("/v1/keys?" + q, ROOT), 400, "invalid_request", "keys " + q);
      assertError(s.get("/v1/audit/records?" + q, ROOT), 400, "invalid_request", "audit " + q);
    }
    assertError(s.get("/v1/audit/records?from=0", ROOT), 400, "invalid_request", "from=0");
    assertError(s.get("/v1/audit/records?from=x", ROOT), 400, "invalid_request", "from=x");
  }

  @Test
  void badNamespaceHeader_isInvalidRequest() {
    for (String ns : List.of("UPPER", "a/b", "-lead", "x".repeat(65), "sp ace", "dot.ted")) {
      assertError(s.req("GET", "/v1/keys").token(ROOT).namespace(ns).send(), 400, "invalid_request", "ns " + ns);
      assertError(s.req("POST", "/v1/keys/aes-k/encrypt").token(ROOT).namespace(ns).json("{\"plaintext\":\"aGVsbG8=\"}").send(),
          400, "invalid_request", "encrypt ns " + ns);
    }
    // a valid namespace of its own: the key of the default namespace is not there
    assertError(s.req("GET", "/v1/keys/aes-k").token(ROOT).namespace("other").send(), 404, "not_found", "other ns");
  }

  @Test
  void oversizedBody_isPayloadTooLarge() {
    String big = "{\"plaintext\":\"" + "A".repeat(MAX_BYTES * 2) + "\"}";
    for (BodyEndpoint e : bodyEndpoints) {
      assertError(send(e, big), 413, "payload_too_large", e.toString());
    }
    // just under the limit is fine
    String fits = "{\"plaintext\":\"" + "A".repeat(MAX_BYTES - 100) + "\"}";
    assertThat(s.post("/v1/keys/aes-k/encrypt", ROOT, fits).status()).isEqualTo(200);
  }

  @Test
  void unknownPath_isNotFoundJson() {
    for (String path : List.of("/", "/v1", "/v1/nope", "/v2/keys", "/v1/keys/aes-k/encrypt/more",
        "/v1/keys/aes-k/versions/1", "/v1/audit", "/favicon.ico", "/v1/keys/aes-k/versions/1/enable/x")) {
      assertError(s.get(path, ROOT), 404, "not_found", "GET " + path);
      assertError(s.get(path, null), 404, "not_found", "GET " + path + " without token");
    }
  }

  @Test
  void wrongMethod_isMethodNotAllowedJson() {
    String[][] cases = {
        {"DELETE", "/v1/keys"}, {"PUT", "/v1/keys/aes-k"}, {"GET", "/v1/keys/aes-k/encrypt"},
        {"DELETE", "/v1/keys/aes-k"}, {"GET", "/v1/sys/seal"}, {"POST", "/v1/health"}, {"PUT", "/v1/audit/records"},
        {"GET", "/v1/keys/aes-k/rotate"}, {"POST", "/v1/auth/tokens/self"}, {"PATCH", "/v1/keys/aes-k/versions/1/enable"},
    };
    for (String[] c : cases) {
      TestServer.Resp r = s.req(c[0], c[1]).token(ROOT).send();
      assertError(r, 405, "method_not_allowed", c[0] + " " + c[1]);
      assertThat(r.header("Allow")).as("Allow of " + c[0] + " " + c[1]).isNotBlank().doesNotContain(c[0]);
    }
    // RFC 9110: Allow lists the methods the path has
    assertThat(s.req("DELETE", "/v1/keys").token(ROOT).send().header("Allow")).isEqualTo("GET, HEAD, POST");
    assertThat(s.req("GET", "/v1/keys/aes-k/encrypt").token(ROOT).send().header("Allow")).isEqualTo("POST");
  }

  @Test
  void missingInvalidRevokedOrExpiredToken_isUnauthenticated() throws Exception {
    List<TestServer.Req> reqs = new ArrayList<>();
    reqs.add(s.req("GET", "/v1/keys"));
    reqs.add(s.req("GET", "/v1/keys").header("Authorization", "Bearer "));
    reqs.add(s.req("GET", "/v1/keys").header("Authorization", "Basic cm9vdDpyb290"));
    reqs.add(s.req("GET", "/v1/keys").token("rk_not-a-token"));
    reqs.add(s.req("GET", "/v1/keys").header("X-Rekey-Token", "rk_not-a-token"));
    reqs.add(s.req("POST", "/v1/keys/aes-k/encrypt").token("x".repeat(5000)).json("{\"plaintext\":\"aGVsbG8=\"}"));
    for (TestServer.Req r : reqs) {
      assertError(r.send(), 401, "unauthenticated", "bad token");
    }
    assertThat(s.req("GET", "/v1/keys").header("X-Rekey-Token", ROOT).send().status()).isEqualTo(200);

    String[] revoked = s.token("revokee", "admin", "*", "*", null);
    assertThat(s.get("/v1/auth/tokens/self", revoked[0]).status()).isEqualTo(200);
    assertThat(s.req("DELETE", "/v1/auth/tokens/" + revoked[1]).token(ROOT).send().status()).isEqualTo(204);
    assertError(s.get("/v1/auth/tokens/self", revoked[0]), 401, "unauthenticated", "revoked");
    assertError(s.post("/v1/keys/aes-k/encrypt", revoked[0], "{\"plaintext\":\"aGVsbG8=\"}"), 401, "unauthenticated", "revoked");

    TestServer.Resp issued = s.post("/v1/auth/tokens", ROOT,
        "{\"principal\":\"brief\",\"grants\":[{\"role\":\"admin\"}],\"ttl\":\"PT0.3S\"}");
    assertThat(issued.status()).isEqualTo(201);
    String shortLived = issued.json().get("token").asText();
    Instant expiresAt = Instant.parse(issued.json().get("expires_at").asText());
    while (!Instant.now().isAfter(expiresAt.plusMillis(50))) {
      Thread.sleep(20);
    }
    assertError(s.get("/v1/auth/tokens/self", shortLived), 401, "unauthenticated", "expired");
    assertError(s.get("/v1/keys", shortLived), 401, "unauthenticated", "expired");
  }

  @Test
  void invalidTtlOrGrant_isInvalidRequest() {
    for (String body : List.of(
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],\"ttl\":\"tomorrow\"}",
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],\"ttl\":\"-PT1H\"}",
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],\"ttl\":\"PT0S\"}",
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"emperor\"}]}",
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\",\"keys\":\"a b\"}]}",
        "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\",\"namespace\":\"\"}]}",
        "{\"principal\":\"\",\"grants\":[{\"role\":\"auditor\"}]}",
        "{\"principal\":\"p q\",\"grants\":[{\"role\":\"auditor\"}]}",
        "{\"principal\":\"p\",\"grants\":[null]}")) {
      assertError(s.post("/v1/auth/tokens", ROOT, body), 400, "invalid_request", body);
    }
  }

  @Test
  void failedRequests_leaveNoPartialState() {
    int tokensBefore = s.get("/v1/auth/tokens", ROOT).json().get("tokens").size();
    for (String body : List.of(
        "{\"name\":\"half-made\",\"type\":\"rsa-4096\"}",
        "{\"name\":\"half-made\",\"tags\":{\"bad tag\":\"v\"}}",
        "{\"name\":\"half-made\",\"tags\":{\"t\":\"" + "v".repeat(300) + "\"}}",
        "{\"name\":\"half-made\",\"surprise\":true}",
        "{\"name\":\"half-made\",\"type\":7}")) {
      TestServer.Resp r = s.post("/v1/keys", ROOT, body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      assertThat(s.get("/v1/keys/half-made", ROOT).status()).as("after " + body).isEqualTo(404);
    }
    assertThat(s.get("/v1/keys?limit=1000", ROOT).body()).doesNotContain("half-made");
    assertThat(s.post("/v1/auth/tokens", ROOT, "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"},{\"role\":\"nope\"}]}")
        .status()).isEqualTo(400);
    assertThat(s.get("/v1/auth/tokens", ROOT).json().get("tokens").size()).isEqualTo(tokensBefore);

    s.createKey("stable", null);
    JsonNode before = s.get("/v1/keys/stable", ROOT).json();
    assertThat(s.post("/v1/keys/stable/rotate", ROOT, "{\"promote\":\"x\"}").status()).isEqualTo(400);
    assertThat(s.req("PATCH", "/v1/keys/stable").token(ROOT).json("{\"min_decryption_version\":5}").send().status())
        .isBetween(400, 499);
    assertThat(s.req("PATCH", "/v1/keys/stable").token(ROOT).json("{\"tags\":{\"ok\":\"1\"},\"min_encryption_version\":9}")
        .send().status()).isBetween(400, 499);
    assertThat(s.post("/v1/keys/stable/versions/1/destroy", ROOT, "").status()).isEqualTo(409);
    assertThat(s.post("/v1/keys", ROOT, "{\"name\":\"stable\",\"type\":\"hmac-sha256\"}").status()).isEqualTo(409);
    assertThat(s.get("/v1/keys/stable", ROOT).json()).isEqualTo(before);
  }

  /**
   * Amounts of time are bounded (a century): beyond it they overflowed when added to the current
   * time, a 500, or were stored and broke every later request that used them.
   */
  @Test
  void amountsOfTimeBeyondACentury_areRefusedWith400_andNothingIsStored() {
    String huge = "P1000000000000D";
    List<String[]> requests = List.of(
        new String[] {"PUT", "/v1/secrets/too-long", "{\"value\":\"v\",\"ttl\":\"" + huge + "\"}"},
        new String[] {"PUT", "/v1/secrets/too-long", "{\"value\":\"v\",\"ttl\":\"P36501D\"}"},
        new String[] {"POST", "/v1/auth/tokens", "{\"principal\":\"p\",\"grants\":[{\"role\":\"auditor\"}],"
            + "\"ttl\":\"" + huge + "\"}"},
        new String[] {"PUT", "/v1/secret-guardrail", "{\"max_lifetime\":\"" + huge + "\"}"},
        new String[] {"PUT", "/v1/policies", "{\"policies\":[{\"scope\":\"namespace:default\","
            + "\"rotation_period\":\"P999999999Y\"}]}"},
        new String[] {"PUT", "/v1/policies", "{\"policies\":[{\"scope\":\"namespace:default\","
            + "\"rotation_period\":\"PT9223372036854775807S\"}]}"});
    for (String[] r : requests) {
      assertError(s.req(r[0], r[1]).token(ROOT).json(r[2]).send(), 400, "invalid_request", r[0] + " " + r[1] + " " + r[2]);
    }
    assertThat(s.get("/v1/secrets/too-long", ROOT).status()).isEqualTo(404);
    assertThat(s.get("/v1/secret-guardrail", ROOT).body()).doesNotContain("1000000000000");
    assertThat(s.get("/v1/policies", ROOT).body()).doesNotContain("999999999");

    // a century itself is fine
    TestServer.Resp ok = s.req("PUT", "/v1/secrets/a-century").token(ROOT).json("{\"value\":\"v\",\"ttl\":\"P36500D\"}").send();
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
  }

  /** Half a character (a JSON escape of a lone surrogate) is refused, not stored as '?'. */
  @Test
  void unpairedSurrogates_areRefused_andPairsRoundTrip() {
    assertError(s.req("PUT", "/v1/secrets/half-char").token(ROOT).json("{\"value\":\"pw\\ud800\"}").send(), 400,
        "invalid_request", "lone surrogate in a secret value");
    assertThat(s.get("/v1/secrets/half-char", ROOT).status()).isEqualTo(404);
    assertError(s.req("PATCH", "/v1/keys/aes-k").token(ROOT).json("{\"tags\":{\"team\":\"x\\udc00\"}}").send(), 400,
        "invalid_request", "lone surrogate in a tag value");

    TestServer.Resp put = s.req("PUT", "/v1/secrets/whole-char").token(ROOT)
        .json("{\"value\":\"pw\\ud83d\\ude00\"}").send();
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    assertThat(s.get("/v1/secrets/whole-char", ROOT).json().get("value").asText()).isEqualTo("pw\ud83d\ude00");
  }
}
