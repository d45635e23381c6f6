package dev.rekey.server;

import static dev.rekey.server.TestServer.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.metrics.Exposition;
import dev.rekey.server.metrics.MetricNames;
import dev.rekey.server.metrics.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real server, parsed as Prometheus text. */
class MetricsEndpointTest {
  private static final String PLAIN = "{\"plaintext\":\"aGVsbG8=\"}";

  @TempDir Path dir;

  private static TestServer start(Path dir, boolean unauthenticated) {
    return TestServer.start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT).withCacheTtl(Duration.ZERO)
        .withUsage(new ServerConfig.UsageSettings(Duration.ofMillis(200), unauthenticated)));
  }

  private static Map<String, String> labels(String key, int version, String op) {
    return Map.of("namespace", "default", "key", key, "version", Integer.toString(version), "operation", op);
  }

  private static Exposition scrape(TestServer s, String token) {
    TestServer.Resp r = s.get("/metrics", token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/plain");
    return Exposition.parse(r.body());
  }

  @Test
  void metrics_perVersionCountsKeyAgeAndJvm_inPrometheusText() {
    try (TestServer s = start(dir, false)) {
      s.createKey("orders", null);
      for (int i = 0; i < 3; i++) {
        assertThat(s.post("/v1/keys/orders/encrypt", ROOT, PLAIN).status()).isEqualTo(200);
      }
      String ct = s.post("/v1/keys/orders/encrypt", ROOT, PLAIN).json().get("ciphertext").asText();
      assertThat(s.post("/v1/keys/orders/rotate", ROOT, "{}").status()).isEqualTo(200);
      assertThat(s.post("/v1/keys/orders/encrypt", ROOT, PLAIN).status()).isEqualTo(200);
      assertThat(s.post("/v1/keys/orders/decrypt", ROOT, "{\"ciphertext\":\"" + ct + "\"}").status()).isEqualTo(200);
      s.createKey("unused", null);

      Exposition m = scrape(s, ROOT);
      String ops = "rekey_key_operations_total";
      assertThat(m.type(ops)).isEqualTo("counter");
      assertThat(m.value(ops, labels("orders", 1, "encrypt"))).isEqualTo(4.0);
      assertThat(m.value(ops, labels("orders", 2, "encrypt"))).isEqualTo(1.0);
      assertThat(m.value(ops, labels("orders", 1, "decrypt"))).isEqualTo(1.0);
      // only what was used: no series for unused versions, operations or keys
      assertThat(m.value(ops, labels("orders", 2, "decrypt"))).isNull();
      assertThat(m.samples(ops)).allSatisfy(x -> assertThat(x.labels().get("key")).isEqualTo("orders"));

      Double age = m.value("rekey_key_age_seconds", Map.of("namespace", "default", "key", "orders"));
      assertThat(age).isNotNull().isBetween(0.0, 60.0);
      assertThat(m.samples("jvm_memory_used_bytes")).isNotEmpty();
      assertThat(m.samples("process_uptime_seconds")).isNotEmpty();
      assertThat(m.samples("rekey_usage_flush_failures_total")).singleElement()
          .satisfies(x -> assertThat(x.value()).isZero());

      // counters grow with use between scrapes
      s.post("/v1/keys/orders/encrypt", ROOT, PLAIN);
      assertThat(scrape(s, ROOT).value(ops, labels("orders", 2, "encrypt"))).isEqualTo(2.0);
    }
  }

  @Test
  void metrics_withoutTokenByDefault_isUnauthenticated_andCryptoUserIsForbidden() {
    try (TestServer s = start(dir, false)) {
      assertThat(s.get("/metrics", null).status()).isEqualTo(401);
      String[] user = s.token("app", "crypto-user", "*", "*", null);
      TestServer.Resp forbidden = s.get("/metrics", user[0]);
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(forbidden.errorCode()).isEqualTo("forbidden");
      String[] auditor = s.token("prom", "auditor", "*", "*", null);
      assertThat(scrape(s, auditor[0]).samples("jvm_threads_live_threads")).isNotEmpty();
    }
  }

  @Test
  void metrics_configuredUnauthenticated_servedWithoutToken() {
    try (TestServer s = start(dir, true)) {
      assertThat(scrape(s, null).samples("jvm_threads_live_threads")).isNotEmpty();
    }
  }

  @Test
  void registrationHelpers_otherServicesMeters_appearInScrape() {
    try (TestServer s = start(dir, false)) {
      Metrics metrics = s.server.metrics();
      metrics.rotation("succeeded");
      metrics.rotation("succeeded");
      metrics.rotation("failed");
      metrics.webhookDelivery("delivered", Duration.ofMillis(1500));
      metrics.labeledGauges(MetricNames.KEY_NEXT_ROTATION, "Seconds until the next scheduled rotation", "seconds",
          MetricNames.KEY_LABELS, () -> java.util.List.of(Metrics.Sample.of(86400, "default", "orders")));
      Exposition m = scrape(s, ROOT);
      assertThat(m.value("rekey_rotations_total", Map.of("outcome", "succeeded"))).isEqualTo(2.0);
      assertThat(m.value("rekey_rotations_total", Map.of("outcome", "failed"))).isEqualTo(1.0);
      assertThat(m.value("rekey_webhook_deliveries_total", Map.of("outcome", "delivered"))).isEqualTo(1.0);
      assertThat(m.value("rekey_webhook_delivery_lag_seconds_sum", Map.of())).isEqualTo(1.5);
      assertThat(m.value("rekey_key_next_rotation_seconds", Map.of("namespace", "default", "key", "orders")))
          .isEqualTo(86400.0);

      // rows are re-read at every scrape: a campaign that ends disappears from the output
      java.util.List<Metrics.Sample> campaigns = new java.util.concurrent.CopyOnWriteArrayList<>(java.util.List.of(
          Metrics.Sample.of(0.25, "c1", "default", "kek"), Metrics.Sample.of(1.0, "c2", "default", "kek")));
      metrics.labeledGauges(MetricNames.CAMPAIGN_PROGRESS, "Share of the campaign's DEKs done", "ratio",
          MetricNames.CAMPAIGN_LABELS, () -> campaigns);
      assertThat(scrape(s, ROOT).value("rekey_rewrap_campaign_progress_ratio", Map.of("campaign", "c1")))
          .isEqualTo(0.25);
      campaigns.remove(0);
      Exposition later = scrape(s, ROOT);
      assertThat(later.value("rekey_rewrap_campaign_progress_ratio", Map.of("campaign", "c1"))).isNull();
      assertThat(later.value("rekey_rewrap_campaign_progress_ratio", Map.of("campaign", "c2"))).isEqualTo(1.0);
    }
  }

  @Test
  void keyRead_showsUsagePerVersion_afterFlushAndRestart() {
    try (TestServer s = start(dir, false)) {
      s.createKey("orders", null);
      s.post("/v1/keys/orders/encrypt", ROOT, PLAIN);
      s.post("/v1/keys/orders/rotate", ROOT, "{}");
      s.post("/v1/keys/orders/encrypt", ROOT, PLAIN);
      s.post("/v1/keys/orders/encrypt", ROOT, PLAIN);
      JsonNode v = s.get("/v1/keys/orders", ROOT).json().get("versions");
      assertThat(v.get(0).at("/usage/encrypt").asLong()).isEqualTo(1);
      assertThat(v.get(1).at("/usage/encrypt").asLong()).isEqualTo(2);
      assertThat(v.get(1).at("/usage/decrypt").asLong()).isZero();
      assertThat(v.get(1).at("/usage/last_used_at").asText()).isNotEmpty();
      // other answers carry no usage
      assertThat(s.post("/v1/keys/orders/rotate", ROOT, "{}").json().at("/versions/0/usage").isMissingNode()).isTrue();
    }
    try (TestServer again = start(dir, false)) {
      JsonNode v = again.get("/v1/keys/orders", ROOT).json().get("versions");
      assertThat(v.get(0).at("/usage/encrypt").asLong()).isEqualTo(1);
      assertThat(v.get(1).at("/usage/encrypt").asLong()).isEqualTo(2);
      assertThat(v.get(2).at("/usage/encrypt").asLong()).isZero();
      assertThat(v.get(2).at("/usage/last_used_at").isMissingNode()).isTrue();
    }
  }
}
