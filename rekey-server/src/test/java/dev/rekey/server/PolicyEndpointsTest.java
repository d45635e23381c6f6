package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies as code and the rotation status over real HTTP, with the scheduler ticking every 50 ms. */
class PolicyEndpointsTest {
  @TempDir static Path dir;
  static TestServer s;

  private static final String FILE = "{\"policies\":[{\"scope\":\"namespace:payments\",\"rotation_period\":\"P90D\"},"
      + "{\"scope\":\"key:payments/orders\",\"rotation_period\":\"P1D\",\"version_lifetime\":\"P1Y\"}]%s}";

  @BeforeAll
  static void start() {
    s = TestServer.start(dev.rekey.server.config.ServerConfig.dev("127.0.0.1", 0, dir, TestServer.ROOT)
        .withCacheTtl(Duration.ZERO).withSchedulerInterval(Duration.ofMillis(50)));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static TestServer.Resp put(String body) {
    return s.req("PUT", "/v1/policies").token(TestServer.ROOT).json(body).send();
  }

  @Test
  void apply_dryRunThenApplyThenReapply_reportsCreateThenNothing() {
    TestServer.Resp dry = put(String.format(FILE, ",\"dry_run\":true"));
    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json().get("dry_run").asBoolean()).isTrue();
    assertThat(dry.json().at("/changes/0/action").asText()).isEqualTo("create");
    assertThat(s.get("/v1/policies", TestServer.ROOT).json().get("policies").toString()).doesNotContain("payments");

    assertThat(put(String.format(FILE, "")).json().at("/changes/1/action").asText()).isEqualTo("create");
    JsonNode again = put(String.format(FILE, "")).json();
    assertThat(again.get("changes")).allSatisfy(c -> assertThat(c.get("action").asText()).isEqualTo("unchanged"));

    JsonNode one = s.get("/v1/policies/key%3Apayments%2Forders", TestServer.ROOT).json();
    assertThat(one.get("rotation_period").asText()).isEqualTo("P1D");
    assertThat(one.get("notify_before").toString()).isEqualTo("[\"P30D\",\"P7D\",\"P1D\"]");

    JsonNode update = put("{\"policies\":[{\"scope\":\"namespace:payments\",\"rotation_period\":\"P3M\"}]}").json();
    assertThat(update.at("/changes/0/action").asText()).isEqualTo("update");
    assertThat(update.at("/changes/0/fields/0").asText()).isEqualTo("rotation_period: P90D -> P3M");

    assertThat(s.req("DELETE", "/v1/policies/namespace%3Apayments").token(TestServer.ROOT).send().status()).isEqualTo(204);
    assertThat(s.get("/v1/policies/namespace%3Apayments", TestServer.ROOT).errorCode()).isEqualTo("not_found");
  }

  @Test
  void apply_invalidPolicy_is400NamingTheField_andStoresNothing() {
    TestServer.Resp r = put("{\"policies\":[{\"scope\":\"namespace:ok\",\"rotation_period\":\"P1M\"},"
        + "{\"scope\":\"namespace:bad\",\"rotation_period\":\"monthly\"}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.json().at("/error/message").asText()).startsWith("policies[1].rotation_period:");
    assertThat(s.get("/v1/policies/namespace%3Aok", TestServer.ROOT).status()).isEqualTo(404);

    TestServer.Resp unknownField = put("{\"policies\":[{\"scope\":\"namespace:ok\",\"period\":\"P1M\"}]}");
    assertThat(unknownField.status()).isEqualTo(400);
  }

  @Test
  void status_showsTheCalendarOnceTheSchedulerHasRun() throws Exception {
    s.req("POST", "/v1/keys").token(TestServer.ROOT).namespace("cal").json("{\"name\":\"daily\"}").send();
    put("{\"policies\":[{\"scope\":\"namespace:cal\",\"rotation_period\":\"P1D\"}]}");
    JsonNode calendar = null;
    for (int i = 0; i < 100; i++) {
      calendar = s.get("/v1/rotation/status", TestServer.ROOT).json().get("calendar");
      if (calendar.size() > 0) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(calendar).anySatisfy(e -> {
      assertThat(e.get("namespace").asText()).isEqualTo("cal");
      assertThat(Instant.parse(e.get("next_rotation").asText())).isAfter(Instant.now().plus(Duration.ofHours(23)));
    });
  }

  @Test
  void apply_needsKeyConfigureOnEveryKeyTheScopeCovers() {
    String[] officer = s.token("pay-officer", "key-officer", "pay", "*", null);
    String[] narrow = s.token("orders-officer", "key-officer", "pay", "orders", null);
    String ns = "{\"policies\":[{\"scope\":\"%s\",\"rotation_period\":\"P1M\"}]}";

    assertThat(s.req("PUT", "/v1/policies").token(officer[0]).namespace("pay").json(String.format(ns, "namespace:pay"))
        .send().status()).isEqualTo(200);
    assertThat(s.req("PUT", "/v1/policies").token(officer[0]).namespace("pay").json(String.format(ns, "namespace:hr"))
        .send().errorCode()).isEqualTo("forbidden");
    assertThat(s.req("PUT", "/v1/policies").token(officer[0]).namespace("pay").json(String.format(ns, "type:hmac-sha256"))
        .send().errorCode()).isEqualTo("forbidden");
    assertThat(s.req("PUT", "/v1/policies").token(narrow[0]).namespace("pay").json(String.format(ns, "key:pay/orders"))
        .send().status()).isEqualTo(200);
    assertThat(s.req("PUT", "/v1/policies").token(narrow[0]).namespace("pay").json(String.format(ns, "namespace:pay"))
        .send().errorCode()).isEqualTo("forbidden");
    assertThat(s.req("DELETE", "/v1/policies/namespace%3Apay").token(narrow[0]).namespace("pay").send().errorCode())
        .isEqualTo("forbidden");
  }

  @Test
  void policyEndpoints_requireTheirActions() {
    String[] crypto = s.token("app", "crypto-user", "*", "*", null);
    assertThat(s.get("/v1/policies", crypto[0]).errorCode()).isEqualTo("forbidden");
    assertThat(s.get("/v1/rotation/status", crypto[0]).errorCode()).isEqualTo("forbidden");
    String[] officer = s.token("officer", "key-officer", "*", "*", null);
    assertThat(s.get("/v1/rotation/status", officer[0]).status()).isEqualTo(200);
  }

  @Test
  void aScheduleShorterThanTheServersMinimumRotationPeriod_is400_andNothingIsStored(@TempDir Path own) {
    try (TestServer strict = TestServer.start(dev.rekey.server.config.ServerConfig.dev("127.0.0.1", 0, own,
        TestServer.ROOT).toBuilder().minimumRotationPeriod(Duration.ofHours(1)).build())) {
      for (String[] c : new String[][] {
          {"\"rotation_period\":\"PT30M\"", "policies[0].rotation_period: 'PT30M' rotates more often than"},
          {"\"cron\":\"*/5 * * * *\"", "policies[0].cron: '*/5 * * * *' rotates more often than"}}) {
        TestServer.Resp r = strict.req("PUT", "/v1/policies").token(TestServer.ROOT)
            .json("{\"policies\":[{\"scope\":\"namespace:fast\"," + c[0] + "}]}").send();
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_request");
        assertThat(r.json().at("/error/message").asText()).startsWith(c[1]).contains("PT1H");
      }
      assertThat(strict.get("/v1/policies/namespace%3Afast", TestServer.ROOT).status()).isEqualTo(404);
      TestServer.Resp ok = strict.req("PUT", "/v1/policies").token(TestServer.ROOT)
          .json("{\"policies\":[{\"scope\":\"namespace:fast\",\"rotation_period\":\"PT1H\"}]}").send();
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
  }
}
