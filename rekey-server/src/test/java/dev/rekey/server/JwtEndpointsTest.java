package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/keys/{name}/jwt and /jwt/verify over HTTP: answers, errors, permissions and the audit trail. */
class JwtEndpointsTest {
  private static final String CLAIM_SECRET = "claim-value-that-must-not-be-audited";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    s.createKey("jwt-ed", "ed25519");
    s.createKey("jwt-aes", null);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static JsonNode issue(String body) {
    TestServer.Resp r = s.post("/v1/keys/jwt-ed/jwt", TestServer.ROOT, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static TestServer.Resp verify(String key, String jwt) {
    return s.post("/v1/keys/" + key + "/jwt/verify", TestServer.ROOT, "{\"jwt\":\"" + jwt + "\"}");
  }

  @Test
  void issueThenVerify_returnsClaimsKidAndVersion_auditHasVersionNotTokenOrClaims() {
    long before = s.lastAuditSeq();
    JsonNode issued = issue("{\"claims\":{\"sub\":\"" + CLAIM_SECRET + "\",\"n\":[1,2]},\"ttl\":\"PT1H\"}");
    assertThat(issued.get("kid").asText()).isEqualTo("jwt-ed-v1");
    assertThat(issued.get("version").asInt()).isEqualTo(1);
    String jwt = issued.get("jwt").asText();
    assertThat(jwt.split("\\.")).hasSize(3);

    TestServer.Resp r = verify("jwt-ed", jwt);
    assertThat(r.status()).isEqualTo(200);
    JsonNode v = r.json();
    assertThat(v.get("valid").asBoolean()).isTrue();
    assertThat(v.get("kid").asText()).isEqualTo("jwt-ed-v1");
    assertThat(v.get("version").asInt()).isEqualTo(1);
    assertThat(v.at("/claims/sub").asText()).isEqualTo(CLAIM_SECRET);
    assertThat(v.at("/claims/n").toString()).isEqualTo("[1,2]");
    assertThat(v.at("/claims/exp").asLong() - v.at("/claims/iat").asLong()).isEqualTo(3600);
    assertThat(v.has("reason")).isFalse();

    TestServer.Resp bad = verify("jwt-ed", jwt.substring(0, jwt.length() - 4) + "AAAA");
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.json().get("valid").asBoolean()).isFalse();
    assertThat(bad.json().get("reason").asText()).isEqualTo("invalid_signature");
    assertThat(bad.json().has("claims")).isFalse();

    List<JsonNode> trail = s.auditAfter(before);
    assertThat(trail.stream().filter(rec -> rec.path("key").asText().equals("jwt-ed")))
        .extracting(rec -> rec.get("action").asText() + " v" + rec.path("version").asInt() + " " + rec.path("details"))
        .containsExactly("sign v1 ", "verify v1 {\"valid\":true}",
            "verify v1 {\"valid\":false,\"reason\":\"invalid_signature\"}");
    String all = trail.toString();
    assertThat(all).doesNotContain(CLAIM_SECRET).doesNotContain(jwt.split("\\.")[1]).doesNotContain(jwt.split("\\.")[2]);
  }

  @Test
  void badRequests_areInvalidRequest() {
    for (String body : List.of("{\"ttl\":\"one hour\"}", "{\"ttl\":\"PT0S\"}", "{\"claims\":[1]}",
        "{\"claims\":\"x\"}", "{\"claims\":{\"iat\":1}}", "{\"claims\":{\"exp\":1}}", "{\"other\":1}")) {
      TestServer.Resp r = s.post("/v1/keys/jwt-ed/jwt", TestServer.ROOT, body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
    }
    TestServer.Resp r = s.post("/v1/keys/jwt-ed/jwt/verify", TestServer.ROOT, "{}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText()).contains("'jwt'");
    assertThat(verify("jwt-ed", "not.a.jwt").json().get("reason").asText()).isEqualTo("malformed");
    assertThat(issue("{}").get("jwt").asText()).isNotEmpty(); // claims and ttl are optional
  }

  @Test
  void issue_numberBeyondDoubleInClaims_invalidRequestNamingTheClaim() {
    // 1e309 parses as Infinity, which no JSON (and so no JWT payload) can carry
    for (String[] c : new String[][] {
        {"{\"claims\":{\"x\":1e309}}", "'x'"},
        {"{\"claims\":{\"x\":-1e309}}", "'x'"},
        {"{\"claims\":{\"nbf\":1e309}}", "'nbf'"},
        {"{\"claims\":{\"a\":[{\"c\":1e309}]}}", "'a[0].c'"},
        {"{\"claims\":{\"a\":{\"b\":[1,-1e309]}}}", "'a.b[1]'"}}) {
      TestServer.Resp r = s.post("/v1/keys/jwt-ed/jwt", TestServer.ROOT, c[0]);
      assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.json().at("/error/message").asText()).contains("claim " + c[1]);
    }
    assertThat(issue("{\"claims\":{\"x\":1e308}}").get("jwt").asText()).isNotEmpty();
  }

  @Test
  void issue_halfACharacterInAClaim_invalidRequest_notSignedAsAQuestionMark() {
    for (String[] c : new String[][] {
        {"{\"claims\":{\"sub\":\"pw\\ud800x\"}}", "claim 'sub' contains half a character"},
        {"{\"claims\":{\"a\":{\"b\":[\"\\udc00\"]}}}", "claim 'a.b[0]' contains half a character"},
        {"{\"claims\":{\"x\\ud800\":1}}", "a claim name contains half a character"}}) {
      TestServer.Resp r = s.post("/v1/keys/jwt-ed/jwt", TestServer.ROOT, c[0]);
      assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.json().at("/error/message").asText()).contains(c[1]);
    }
    // a whole character outside the BMP (a surrogate pair) is fine
    assertThat(issue("{\"claims\":{\"sub\":\"\\ud83d\\udd11\"}}").get("jwt").asText()).isNotEmpty();
  }

  @Test
  void keyThatCannotSign_isRefused() {
    TestServer.Resp r = s.post("/v1/keys/jwt-aes/jwt", TestServer.ROOT, "{}");
    assertThat(r.status()).isGreaterThanOrEqualTo(400).isLessThan(500);
    assertThat(r.errorCode()).isEqualTo("unsupported_operation");
    assertThat(verify("jwt-aes", "a.b.c").errorCode()).isEqualTo("unsupported_operation");
    assertThat(verify("jwt-none", "a.b.c").status()).isEqualTo(404);
  }

  @Test
  void permissions_auditorCanNeither_cryptoUserCanBoth() {
    String[] auditor = s.token("jwt-auditor", "auditor", "*", "*", null);
    String[] user = s.token("jwt-user", "crypto-user", "*", "*", null);
    String jwt = issue("{}").get("jwt").asText();
    assertThat(s.post("/v1/keys/jwt-ed/jwt", auditor[0], "{}").status()).isEqualTo(403);
    assertThat(s.post("/v1/keys/jwt-ed/jwt/verify", auditor[0], "{\"jwt\":\"" + jwt + "\"}").status()).isEqualTo(403);
    assertThat(s.post("/v1/keys/jwt-ed/jwt", user[0], "{}").status()).isEqualTo(200);
    TestServer.Resp v = s.post("/v1/keys/jwt-ed/jwt/verify", user[0], "{\"jwt\":\"" + jwt + "\"}");
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    assertThat(v.json().get("valid").asBoolean()).isTrue();
  }
}
