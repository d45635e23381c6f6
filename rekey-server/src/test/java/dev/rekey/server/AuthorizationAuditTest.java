package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Separation of duties, one audit record per request with its outcome, and no secrets in the trail or the log. */
class AuthorizationAuditTest {
  static final String ROOT = TestServer.ROOT;
  static final String SECRET = "TOP-SECRET-CARD-4111-1111-1111-1111";
  static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
  static final List<String> LOG = new ArrayList<>();
  static final AtomicInteger IDS = new AtomicInteger();
  @TempDir static Path dir;
  static TestServer s;
  static AppenderBase<ILoggingEvent> appender;
  static String officer;
  static String billing;
  static String auditor;

  @BeforeAll
  static void start() {
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        synchronized (LOG) {
          LOG.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
      }
    };
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    s = TestServer.dev(dir);
    officer = s.token("officer", "key-officer", "default", "*", null)[0];
    billing = s.token("billing", "crypto-user", "default", "billing-*", null)[0];
    auditor = s.token("assessor", "auditor", "*", "*", null)[0];
    s.createKey("billing-x", null);
    s.createKey("other-x", null);
  }

  @AfterAll
  static void stop() {
    s.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
  }

  /** Sends with a fresh request id and returns the answer and the one audit record carrying that id. */
  private static JsonNode[] audited(TestServer.Req req) {
    String id = "req-" + IDS.incrementAndGet() + "-" + System.nanoTime();
    TestServer.Resp r = req.header("X-Request-Id", id).send();
    assertThat(r.header("x-request-id")).isEqualTo(id);
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode rec : s.auditAfter(0)) {
      if (id.equals(rec.path("request_id").asText())) {
        matching.add(rec);
      }
    }
    assertThat(matching).as("audit records of " + id + " (status " + r.status() + ")").hasSize(1);
    return new JsonNode[] {TestServer.JSON.valueToTree(r), matching.get(0)};
  }

  private static JsonNode expect(TestServer.Req req, int status, String outcome, String action) {
    JsonNode[] both = audited(req);
    assertThat(both[0].get("status").asInt()).as(both[0].toString()).isEqualTo(status);
    JsonNode rec = both[1];
    assertThat(rec.get("outcome").asText()).as(rec.toString()).isEqualTo(outcome);
    if (action != null) {
      assertThat(rec.get("action").asText()).as(rec.toString()).isEqualTo(action);
    }
    if (status >= 400) {
      assertThat(rec.get("error_code").asText()).as(rec.toString()).isNotBlank();
    } else {
      assertThat(rec.has("error_code")).as(rec.toString()).isFalse();
    }
    return rec;
  }

  private static String encryptBody() {
    return "{\"plaintext\":\"" + SECRET_B64 + "\"}";
  }

  @Test
  void keyOfficer_managesKeys_butIsForbiddenCryptography() {
    JsonNode rec = expect(s.req("POST", "/v1/keys").token(officer).json("{\"name\":\"officer-made\"}"), 201, "allowed", "key.create");
    assertThat(rec.get("principal").asText()).isEqualTo("officer");
    assertThat(rec.get("key").asText()).isEqualTo("officer-made");
    expect(s.req("POST", "/v1/keys/officer-made/rotate").token(officer), 200, "allowed", "key.rotate");
    expect(s.req("PATCH", "/v1/keys/officer-made").token(officer).json("{\"tags\":{\"t\":\"v\"}}"), 200, "allowed", "key.configure");
    for (String op : List.of("encrypt", "decrypt", "rewrap", "datakey", "mac")) {
      String body = op.equals("encrypt") ? encryptBody() : op.equals("mac") ? "{\"message\":\"" + SECRET_B64 + "\"}"
          : op.equals("datakey") ? "{}" : "{\"ciphertext\":\"rekey:v1:AAAA\"}";
      JsonNode denied = expect(s.req("POST", "/v1/keys/officer-made/" + op).token(officer).json(body), 403, "denied", null);
      assertThat(denied.get("error_code").asText()).isEqualTo("forbidden");
    }
    expect(s.req("GET", "/v1/audit/records").token(officer), 403, "denied", "audit.read");
    expect(s.req("POST", "/v1/auth/tokens").token(officer)
        .json("{\"principal\":\"x\",\"grants\":[{\"role\":\"admin\"}]}"), 403, "denied", "token.create");
    expect(s.req("POST", "/v1/sys/seal").token(officer), 403, "denied", "system.seal");
  }

  @Test
  void cryptoUser_limitedToBillingKeys_encryptsOnlyThose_andCannotManageKeys() {
    JsonNode ok = expect(s.req("POST", "/v1/keys/billing-x/encrypt").token(billing).json(encryptBody()), 200, "allowed", "encrypt");
    assertThat(ok.get("version").asInt()).isEqualTo(1);
    String ct = s.post("/v1/keys/billing-x/encrypt", billing, encryptBody()).json().get("ciphertext").asText();
    expect(s.req("POST", "/v1/keys/billing-x/decrypt").token(billing).json("{\"ciphertext\":\"" + ct + "\"}"), 200, "allowed", "decrypt");
    expect(s.req("POST", "/v1/keys/other-x/encrypt").token(billing).json(encryptBody()), 403, "denied", "encrypt");
    expect(s.req("POST", "/v1/keys/other-x/decrypt").token(billing).json("{\"ciphertext\":\"" + ct + "\"}"), 403, "denied", "decrypt");
    expect(s.req("POST", "/v1/keys/billing-x/rotate").token(billing), 403, "denied", "key.rotate");
    expect(s.req("POST", "/v1/keys/billing-x/versions/1/retire").token(billing), 403, "denied", "key.lifecycle");
    expect(s.req("POST", "/v1/keys").token(billing).json("{\"name\":\"billing-new\"}"), 403, "denied", "key.create");
    expect(s.req("GET", "/v1/audit/verify").token(billing), 403, "denied", "audit.read");
    // another namespace is out of the grant even for a matching name
    expect(s.req("POST", "/v1/keys/billing-x/encrypt").token(billing).namespace("team-b").json(encryptBody()), 403, "denied", "encrypt");
    assertThat(s.get("/v1/keys/billing-x", ROOT).json().get("latest_version").asInt()).isEqualTo(1);
  }

  @Test
  void listKeys_grantOnPattern_showsOnlyMatchingKeys() {
    s.createKey("other-listed", null);
    JsonNode keys = s.get("/v1/keys", billing).json().get("keys");
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(k.get("name").asText()));
    assertThat(names).contains("billing-x").allMatch(n -> n.startsWith("billing-"));
    JsonNode all = s.get("/v1/keys", ROOT).json().get("keys");
    List<String> allNames = new ArrayList<>();
    all.forEach(k -> allNames.add(k.get("name").asText()));
    assertThat(allNames).contains("billing-x", "other-listed");
  }

  @Test
  void listSecrets_grantOnPattern_showsOnlyMatchingSecrets() {
    assertThat(s.req("PUT", "/v1/secrets/billing-db").token(ROOT).json("{\"value\":\"v\"}").send().status()).isEqualTo(201);
    assertThat(s.req("PUT", "/v1/secrets/payroll-db").token(ROOT).json("{\"value\":\"v\"}").send().status()).isEqualTo(201);
    TestServer.Resp r = s.get("/v1/secrets", billing);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    r.json().get("secrets").forEach(x -> names.add(x.get("name").asText()));
    assertThat(names).contains("billing-db").doesNotContain("payroll-db");
  }

  @Test
  void keyOfficerLimitedToSomeKeys_cannotManageConsumersOrCampaignsOfOthers() {
    String narrow = s.token("narrow-manager", "key-officer", "default", "billing-*", null)[0];
    expect(s.req("PUT", "/v1/keys/other-x/propagation").token(narrow).json("{\"deadline\":\"PT1H\"}"), 403, "denied",
        "consumer.manage");
    expect(s.req("GET", "/v1/keys/other-x/propagation").token(narrow), 403, "denied", "consumer.read");
    expect(s.req("PUT", "/v1/keys/billing-x/propagation").token(narrow).json("{\"deadline\":\"PT1H\"}"), 200, "allowed",
        "consumer.manage");
    expect(s.req("POST", "/v1/rewrap-campaigns").token(narrow).json("{\"key\":\"other-x\"}"), 403, "denied",
        "rewrap.campaign.manage");
    expect(s.req("POST", "/v1/consumers").token(narrow).json("{\"name\":\"narrow-app\",\"kind\":\"app\"}"), 201,
        "allowed", "consumer.manage");
    expect(s.req("POST", "/v1/consumers/narrow-app/bindings").token(narrow).json("{\"key\":\"other-x\"}"), 403,
        "denied", "consumer.manage");
    expect(s.req("POST", "/v1/consumers/narrow-app/bindings").token(narrow).json("{\"key\":\"billing-x\"}"), 201,
        "allowed", "consumer.manage");
    expect(s.req("POST", "/v1/consumers/narrow-app/bindings").token(narrow).json("{\"selector\":{\"team\":\"x\"}}"),
        403, "denied", "consumer.manage");
    expect(s.req("DELETE", "/v1/consumers/narrow-app/selectors?selector=team=x").token(narrow), 403, "denied",
        "consumer.manage");
  }

  @Test
  void keyOfficerLimitedToSomeKeys_cannotSeeOrSteerCampaignsOfOtherKeys() {
    s.createKey("camp-other", null);
    s.post("/v1/keys/camp-other/deks", ROOT, "{\"tenant\":\"acme\"}");
    s.post("/v1/keys/camp-other/rotate", ROOT, "{}");
    TestServer.Resp started = s.post("/v1/rewrap-campaigns", ROOT, "{\"key\":\"camp-other\",\"delay_ms\":60000,"
        + "\"batch_size\":1}");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    long id = started.json().get("id").asLong();
    String narrow = s.token("narrow-campaigner", "key-officer", "default", "billing-*", null)[0];
    expect(s.req("GET", "/v1/rewrap-campaigns/" + id).token(narrow), 403, "denied", "rewrap.campaign.read");
    expect(s.req("POST", "/v1/rewrap-campaigns/" + id + "/cancel").token(narrow), 403, "denied", "rewrap.campaign.manage");
    expect(s.req("PATCH", "/v1/rewrap-campaigns/" + id).token(narrow).json("{\"batch_size\":5}"), 403, "denied",
        "rewrap.campaign.manage");
    List<Long> listed = new ArrayList<>();
    s.get("/v1/rewrap-campaigns", narrow).json().get("campaigns").forEach(k -> listed.add(k.get("id").asLong()));
    assertThat(listed).doesNotContain(id);
    assertThat(s.get("/v1/rewrap-campaigns/" + id, ROOT).json().get("state").asText()).isNotEqualTo("cancelled");
  }

  @Test
  void keyOfficerLimitedToSomeKeys_seesOnlyBindingsOfItsKeys() {
    s.createKey("bound-other", null);
    s.createKey("billing-bound", null);
    assertThat(s.post("/v1/consumers", ROOT, "{\"name\":\"seen-app\",\"kind\":\"app\"}").status()).isEqualTo(201);
    assertThat(s.post("/v1/consumers/seen-app/bindings", ROOT, "{\"key\":\"bound-other\"}").status()).isEqualTo(201);
    assertThat(s.post("/v1/consumers/seen-app/bindings", ROOT, "{\"key\":\"billing-bound\"}").status()).isEqualTo(201);
    String narrow = s.token("narrow-reader", "key-officer", "default", "billing-*", null)[0];
    assertThat(s.get("/v1/bindings?key=bound-other", narrow).json().get("bindings").size()).isZero();
    assertThat(s.get("/v1/bindings?key=bound-other", ROOT).json().get("bindings").size()).isEqualTo(1);
    List<String> keys = new ArrayList<>();
    s.get("/v1/consumers/seen-app", narrow).json().get("bindings").forEach(b -> keys.add(b.get("key").asText()));
    assertThat(keys).containsExactly("billing-bound");
    s.post("/v1/keys/bound-other/rotate", ROOT, "{}");
    JsonNode drift = s.get("/v1/reports/rotation-drift", narrow).json().get("rotations");
    drift.forEach(r -> assertThat(r.get("key").asText()).startsWith("billing-"));
  }

  @Test
  void keyOfficerLimitedToSomeKeys_cannotChangeOrRemoveConsumersOfOtherKeys_norTheNamespacePolicy() {
    String narrow = s.token("narrow-steward", "key-officer", "default", "billing-*", null)[0];
    assertThat(s.post("/v1/consumers", ROOT, "{\"name\":\"others-app\"}").status()).isEqualTo(201);
    assertThat(s.post("/v1/consumers/others-app/bindings", ROOT, "{\"key\":\"other-x\"}").status()).isEqualTo(201);

    expect(s.req("DELETE", "/v1/consumers/others-app").token(narrow), 403, "denied", "consumer.manage");
    expect(s.req("PATCH", "/v1/consumers/others-app").token(narrow)
        .json("{\"hook_url\":\"https://attacker.example.test/\",\"rotate_hook_secret\":true}"), 403, "denied",
        "consumer.manage");
    expect(s.req("PUT", "/v1/propagation").token(narrow).json("{\"deadline\":\"PT1S\"}"), 403, "denied",
        "consumer.manage");
    assertThat(s.get("/v1/consumers/others-app", ROOT).json().get("bindings").toString()).contains("other-x");

    // a consumer bound only to granted keys stays the officer's to change
    assertThat(s.post("/v1/consumers", ROOT, "{\"name\":\"billing-app\"}").status()).isEqualTo(201);
    assertThat(s.post("/v1/consumers/billing-app/bindings", ROOT, "{\"key\":\"billing-x\"}").status())
        .isEqualTo(201);
    expect(s.req("PATCH", "/v1/consumers/billing-app").token(narrow).json("{\"owner\":\"billing-team\"}"), 200,
        "allowed", "consumer.manage");
    expect(s.req("DELETE", "/v1/consumers/billing-app").token(narrow), 204, "allowed", "consumer.manage");
  }

  @Test
  void policiesAndRotationStatus_showOnlyWhatTheGrantsCover() throws InterruptedException {
    String narrow = s.token("policy-reader", "key-officer", "default", "billing-*", null)[0];
    TestServer.Resp applied = s.req("PUT", "/v1/policies").token(ROOT).json("{\"policies\":["
        + "{\"scope\":\"key:default/other-x\",\"rotation_period\":\"P1D\"},"
        + "{\"scope\":\"key:default/billing-x\",\"rotation_period\":\"P1D\"}]}").send();
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);

    String listed = s.get("/v1/policies", narrow).body();
    assertThat(listed).contains("key:default/billing-x").doesNotContain("other-x");
    expect(s.req("GET", "/v1/policies/key%3Adefault%2Fother-x").token(narrow), 403, "denied", "policy.read");
    expect(s.req("GET", "/v1/policies/key%3Adefault%2Fbilling-x").token(narrow), 200, "allowed", "policy.read");
    // the scope names its own namespace: the header does not widen anything
    assertThat(s.req("GET", "/v1/policies/key%3Apayments%2Fbilling-x").token(narrow).namespace("default").send()
        .status()).isEqualTo(403);
    // the scheduler puts both keys on the calendar at its next tick
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (!s.get("/v1/rotation/status", ROOT).body().contains("\"other-x\"")) {
      assertThat(System.nanoTime()).as("the calendar lists other-x in time").isLessThan(deadline);
      Thread.sleep(20);
    }
    String status = s.get("/v1/rotation/status", narrow).body();
    assertThat(status).contains("\"billing-x\"").doesNotContain("other-x");
  }

  @Test
  void keyOfficerLimitedToSomeKeys_cannotCreateOthers() {
    String narrow = s.token("narrow-officer", "key-officer", "default", "billing-*", null)[0];
    expect(s.req("POST", "/v1/keys").token(narrow).json("{\"name\":\"billing-officer\"}"), 201, "allowed", "key.create");
    expect(s.req("POST", "/v1/keys").token(narrow).json("{\"name\":\"payroll-officer\"}"), 403, "denied", "key.create");
    assertThat(s.get("/v1/keys/payroll-officer", ROOT).status()).isEqualTo(404);
  }

  @Test
  void auditor_readsAudit_butNotCryptography() {
    expect(s.req("GET", "/v1/audit/records?limit=5").token(auditor), 200, "allowed", "audit.read");
    expect(s.req("GET", "/v1/audit/verify").token(auditor), 200, "allowed", "audit.read");
    assertThat(s.get("/v1/audit/verify", auditor).json().get("valid").asBoolean()).isTrue();
    expect(s.req("POST", "/v1/keys/billing-x/encrypt").token(auditor).json(encryptBody()), 403, "denied", "encrypt");
    expect(s.req("POST", "/v1/keys/billing-x/decrypt").token(auditor).json("{\"ciphertext\":\"rekey:v1:AAAA\"}"), 403, "denied", "decrypt");
    expect(s.req("POST", "/v1/keys/billing-x/datakey").token(auditor), 403, "denied", "datakey");
    expect(s.req("POST", "/v1/keys/billing-x/rotate").token(auditor), 403, "denied", "key.rotate");
  }

  @Test
  void namespaceAdmin_cannotIssueATokenWiderThanItsOwnGrants() {
    String nsAdmin = s.token("pay-admin", "admin", "payments", "*", "PT1H")[0];
    JsonNode denied = expect(s.req("POST", "/v1/auth/tokens").token(nsAdmin).namespace("payments").json(
        "{\"principal\":\"root\",\"grants\":[{\"role\":\"admin\",\"namespace\":\"*\",\"keys\":\"*\"}]}"),
        403, "denied", "token.create");
    assertThat(denied.get("error_code").asText()).isEqualTo("forbidden");
    // the refused attempt says what it asked for
    assertThat(denied.path("details").path("requested_grants").toString())
        .isEqualTo("[{\"role\":\"admin\",\"namespace\":\"*\",\"keys\":\"*\"}]");
    expect(s.req("POST", "/v1/auth/tokens").token(nsAdmin).namespace("payments").json(
        "{\"principal\":\"x\",\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"*\"}]}"),
        403, "denied", "token.create");
    // omitted namespace and keys mean '*': wider than the creator's grant too
    expect(s.req("POST", "/v1/auth/tokens").token(nsAdmin).namespace("payments").json(
        "{\"principal\":\"x\",\"grants\":[{\"role\":\"auditor\"}]}"), 403, "denied", "token.create");
    TestServer.Resp ok = s.req("POST", "/v1/auth/tokens").token(nsAdmin).namespace("payments").json(
        "{\"principal\":\"pay-app\",\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"payments\",\"keys\":\"card-*\"}],"
            + "\"ttl\":\"P30D\"}").send();
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    // it expires with the token that issued it
    String own = s.get("/v1/auth/tokens/self", nsAdmin).json().get("expires_at").asText();
    assertThat(ok.json().get("expires_at").asText()).isEqualTo(own);
  }

  @Test
  void namespaceAdmin_managesTokensWithoutNamingItsNamespace() {
    String[] nsAdmin = s.token("hdr-admin", "admin", "payments", "*", null);
    // no X-Rekey-Namespace header: the request's namespace is "default", which this admin has no grant on
    TestServer.Resp issued = s.req("POST", "/v1/auth/tokens").token(nsAdmin[0]).json(
        "{\"principal\":\"hdr-app\",\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"payments\",\"keys\":\"*\"}]}")
        .send();
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    String issuedId = issued.json().get("id").asText();
    TestServer.Resp listed = s.req("GET", "/v1/auth/tokens").token(nsAdmin[0]).send();
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    listed.json().get("tokens").forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).contains(nsAdmin[1], issuedId);
    expect(s.req("DELETE", "/v1/auth/tokens/" + issuedId).token(nsAdmin[0]), 204, "allowed", "token.revoke");
    // still no wider than its own grants, whatever the header says
    expect(s.req("POST", "/v1/auth/tokens").token(nsAdmin[0]).json(
        "{\"principal\":\"x\",\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"*\"}]}"),
        403, "denied", "token.create");
  }

  @Test
  void namespaceAdmin_cannotListOrRevokeTokensWiderThanItself() {
    String[] nsAdmin = s.token("tok-admin", "admin", "payments", "*", null);
    String rootId = s.get("/v1/auth/tokens/self", ROOT).json().get("id").asText();
    expect(s.req("DELETE", "/v1/auth/tokens/" + rootId).token(nsAdmin[0]).namespace("payments"), 403, "denied",
        "token.revoke");
    assertThat(s.get("/v1/auth/tokens/self", ROOT).status()).isEqualTo(200);
    TestServer.Resp listed = s.req("GET", "/v1/auth/tokens").token(nsAdmin[0]).namespace("payments").send();
    assertThat(listed.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    listed.json().get("tokens").forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).contains(nsAdmin[1]).doesNotContain(rootId);
  }

  @Test
  void tokenRevocation_recordsWhichTokenWasRevoked() {
    String[] victim = s.token("to-revoke", "crypto-user", "default", "*", null);
    JsonNode rec = expect(s.req("DELETE", "/v1/auth/tokens/" + victim[1]).token(ROOT), 204, "allowed", "token.revoke");
    assertThat(rec.path("details").path("revoked_token_id").asText()).isEqualTo(victim[1]);
    JsonNode missing = expect(s.req("DELETE", "/v1/auth/tokens/tok_0000000000000000").token(ROOT), 404, "failed",
        "token.revoke");
    assertThat(missing.path("details").path("revoked_token_id").asText()).isEqualTo("tok_0000000000000000");
    JsonNode odd = expect(s.req("DELETE", "/v1/auth/tokens/%22x%22").token(ROOT), 404, "failed", "token.revoke");
    assertThat(odd.has("details")).as(odd.toString()).isFalse();
  }

  @Test
  void tokenList_showsWhichTokensAreRevoked() {
    String[] gone = s.token("listed-revoked", "crypto-user", "default", "*", null);
    String[] kept = s.token("listed-kept", "crypto-user", "default", "*", null);
    assertThat(s.req("DELETE", "/v1/auth/tokens/" + gone[1]).token(ROOT).send().status()).isEqualTo(204);
    JsonNode revoked = null;
    JsonNode active = null;
    for (JsonNode t : s.get("/v1/auth/tokens", ROOT).json().get("tokens")) {
      if (t.get("id").asText().equals(gone[1])) {
        revoked = t;
      } else if (t.get("id").asText().equals(kept[1])) {
        active = t;
      }
    }
    assertThat(revoked).isNotNull();
    assertThat(revoked.path("revoked_at").asText()).as(revoked.toString()).isNotBlank();
    assertThat(active.has("revoked_at")).as(active.toString()).isFalse();
  }

  @Test
  void tokenCreation_recordsWhatWasGranted_neverTheToken() {
    JsonNode[] both = audited(s.req("POST", "/v1/auth/tokens").token(ROOT).json("{\"principal\":\"granted\","
        + "\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"billing-*\"}],\"ttl\":\"PT1H\"}"));
    JsonNode answer = TestServer.JSON.valueToTree(both[0]);
    JsonNode body;
    try {
      body = TestServer.JSON.readTree(answer.get("body").asText());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    JsonNode details = both[1].get("details");
    assertThat(details.get("issued_token_id").asText()).isEqualTo(body.get("id").asText());
    assertThat(details.get("principal").asText()).isEqualTo("granted");
    assertThat(details.get("grants").toString())
        .isEqualTo("[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"billing-*\"}]");
    assertThat(details.get("expires_at").asText()).isEqualTo(body.get("expires_at").asText());
    assertThat(both[1].toString()).doesNotContain(body.get("token").asText());
  }

  @Test
  void auditRecords_fromTakesAnySequenceNumber_beyondTwoToThe31() {
    TestServer.Resp far = s.get("/v1/audit/records?from=3000000000&limit=10", auditor);
    assertThat(far.status()).as(far.body()).isEqualTo(200);
    assertThat(far.json().get("records").size()).isZero();
    assertThat(s.get("/v1/audit/records?from=0", auditor).errorCode()).isEqualTo("invalid_request");
    assertThat(s.get("/v1/audit/records?from=9223372036854775808", auditor).errorCode()).isEqualTo("invalid_request");
    assertThat(s.get("/v1/audit/records?from=2&limit=1", auditor).json().get("records").get(0).get("seq").asLong())
        .isEqualTo(2);
  }

  @Test
  void grantsOnOneNamespace_doNotAllowServerWideActions() {
    String nsAdmin = s.token("ns-admin", "admin", "payments", "*", null)[0];
    String nsAuditor = s.token("ns-auditor", "auditor", "payments", "*", null)[0];
    expect(s.req("GET", "/v1/audit/records?limit=5").token(nsAuditor).namespace("payments"), 403, "denied", "audit.read");
    expect(s.req("GET", "/v1/audit/verify").token(nsAuditor).namespace("payments"), 403, "denied", "audit.read");
    expect(s.req("GET", "/v1/audit/records?limit=5").token(nsAdmin).namespace("payments"), 403, "denied", "audit.read");
    expect(s.req("GET", "/metrics").token(nsAuditor).namespace("payments"), 403, "denied", "metrics.read");
    expect(s.req("GET", "/v1/events").token(nsAdmin).namespace("payments"), 403, "denied", "event.read");
    expect(s.req("POST", "/v1/sys/rotate-root").token(nsAdmin).namespace("payments"), 403, "denied", "system.rotate.root");
    JsonNode sealed = expect(s.req("POST", "/v1/sys/seal").token(nsAdmin).namespace("payments"), 403, "denied",
        "system.seal");
    assertThat(sealed.get("error_code").asText()).isEqualTo("forbidden");
    assertThat(s.get("/v1/health", null).json().get("sealed").asBoolean()).isFalse();
    // still allowed in its namespace
    expect(s.req("POST", "/v1/keys").token(nsAdmin).namespace("payments").json("{\"name\":\"pay-key\"}"), 201,
        "allowed", "key.create");
  }

  @Test
  void everyRequest_allowedDeniedOrFailed_writesExactlyOneRecord() {
    expect(s.req("GET", "/v1/keys/billing-x").token(ROOT), 200, "allowed", "key.read");
    expect(s.req("GET", "/v1/keys/missing").token(ROOT), 404, "failed", "key.read");
    expect(s.req("GET", "/v1/keys").token("rk_wrong"), 401, "denied", "key.read");
    expect(s.req("GET", "/v1/keys"), 401, "denied", "key.read");
    expect(s.req("POST", "/v1/keys").token(ROOT).json("{\"name\":"), 400, "failed", "key.create");
    expect(s.req("GET", "/v1/nowhere").token(ROOT), 404, "failed", null);
    expect(s.req("DELETE", "/v1/keys").token(ROOT), 405, "failed", null);
    expect(s.req("POST", "/v1/keys/billing-x/encrypt").token(ROOT).json("{\"plaintext\":\"" + "A".repeat(2_000_000) + "\"}"),
        413, "failed", null);
    expect(s.req("GET", "/v1/keys").token(ROOT).namespace("BAD NS"), 400, "failed", "key.read");
    expect(s.req("POST", "/v1/keys/billing-x/encrypt").token(ROOT).json("{\"batch\":[{\"plaintext\":\"" + SECRET_B64
        + "\"},{\"plaintext\":\"!\"}]}"), 200, "allowed", "encrypt");
    expect(s.req("POST", "/v1/sys/unseal").json("{\"reset\":true}"), 200, "allowed", "sys.unseal");
    expect(s.req("GET", "/v1/auth/tokens/self").token(billing), 200, "allowed", "token.self");
  }

  @Test
  void healthAndSealStatus_areNotAudited_andAnswerWithoutToken() {
    long before = s.lastAuditSeq();
    assertThat(s.get("/v1/health", null).status()).isEqualTo(200);
    assertThat(s.get("/v1/sys/seal-status", null).json().get("sealed").asBoolean()).isFalse();
    List<JsonNode> after = s.auditAfter(before);
    // only the lastAuditSeq read itself
    assertThat(after).hasSize(1);
    assertThat(after.get(0).get("action").asText()).isEqualTo("audit.read");
  }

  @Test
  void noTokenPlaintextOrBase64Plaintext_appearsInTheTrailOrTheLog() {
    String[] extra = s.token("leaky", "crypto-user", "*", "*", null);
    String ct = s.post("/v1/keys/billing-x/encrypt", extra[0], encryptBody()).json().get("ciphertext").asText();
    String plain = s.post("/v1/keys/billing-x/decrypt", extra[0], "{\"ciphertext\":\"" + ct + "\"}").json().get("plaintext").asText();
    assertThat(plain).isEqualTo(SECRET_B64);
    JsonNode dk = s.post("/v1/keys/billing-x/datakey", ROOT, "{}").json();
    String dataKey = dk.get("plaintext").asText();
    s.post("/v1/keys/billing-x/encrypt", extra[0], "{\"plaintext\":\"" + SECRET_B64 + "\",\"" + SECRET + "\":1}");
    s.post("/v1/keys/billing-x/encrypt", extra[0], "{\"plaintext\":\"" + SECRET_B64 + "\"");
    s.post("/v1/keys/billing-x/encrypt", extra[0], "{\"plaintext\":\"" + SECRET + "\"}");
    s.post("/v1/keys/billing-x/decrypt", extra[0], "{\"ciphertext\":\"" + ct + "x\"}");
    s.req("GET", "/v1/keys/" + "billing-x").token(extra[0] + "wrong").send();
    s.post("/v1/keys/billing-x/mac", extra[0], "{\"message\":\"" + SECRET_B64 + "\"}");

    StringBuilder trail = new StringBuilder();
    s.auditAfter(0).forEach(r -> trail.append(r).append('\n'));
    String log;
    synchronized (LOG) {
      log = String.join("\n", LOG);
    }
    for (String secret : List.of(ROOT, officer, billing, auditor, extra[0], SECRET, SECRET_B64, dataKey,
        SECRET_B64.substring(0, 16))) {
      assertThat(trail.toString()).as("audit trail").doesNotContain(secret);
      assertThat(log).as("server log").doesNotContain(secret);
    }
    assertThat(trail.toString()).contains(extra[1]); // the token id is recorded, the token is not
  }
}
