package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rekey.api.DeliveryView;
import dev.rekey.api.GrantView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.server.RekeyServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end: a real dev server, a subscription created through the CLI with a tag
 * filter, keys created and rotated through the CLI, and a real HTTP server receiving CloudEvents
 * whose Standard Webhooks signatures it checks the way any receiver would (JCA HMAC, no Rekey code).
 */
class WebhookE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received request. */
  record Received(Map<String, String> headers, byte[] body) {}

  @TempDir Path dataDir;
  private RekeyServer server;
  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = E2e.devServer(dataDir);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/rekey-events", exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      received.add(new Received(headers, exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    server.close();
  }

  private E2e.Run rekey(String... args) {
    E2e.Run run = cli(server.url(), ROOT_TOKEN, null, args);
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  private static String field(E2e.Run run, String name) {
    return run.out().lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow()
        .substring(name.length() + 1).trim();
  }

  @Test
  void rotateKey_subscriberFilteredByTag_receivesSignedCloudEvents_andCanRedeliver() throws Exception {
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/rekey-events";
    E2e.Run created = rekey("webhook", "create", url, "--event-type", "KeyNewVersionCreated", "--tag", "team=payments");
    String secret = field(created, "secret");
    String hookId = field(created, "id");
    assertThat(secret).startsWith("whsec_");
    assertThat(rekey("webhook", "show", hookId).out()).doesNotContain(secret).contains("team=payments");
    assertThat(rekey("webhook", "list").out()).contains(hookId).doesNotContain(secret);

    // a key the filter excludes first, so that once "orders" v2 arrives its events were fanned out too
    rekey("key", "create", "other", "--tag", "team=ops");
    rekey("key", "rotate", "other");
    rekey("key", "create", "orders", "--tag", "team=payments", "--tag", "env=prod");
    rekey("key", "rotate", "orders");

    E2e.await("two webhook requests", Duration.ofSeconds(30), () -> received.size() >= 2);
    Thread.sleep(300); // nothing else may arrive; the assertion below would see it
    assertThat(received).hasSize(2);

    // deliveries run in parallel: no order is promised, receivers order by the data (version, time)
    List<Received> firstTwo = received.subList(0, 2).stream()
        .sorted(java.util.Comparator.comparing(r -> new String(r.body(), StandardCharsets.UTF_8).contains("versions/2")))
        .toList();
    for (int i = 0; i < 2; i++) {
      Received r = firstTwo.get(i);
      assertThat(signatureValid(secret, r)).as("signature of request " + i).isTrue();
      long ts = Long.parseLong(r.headers().get("webhook-timestamp"));
      assertThat(Math.abs(Instant.now().getEpochSecond() - ts)).isLessThan(300);
      assertThat(r.headers().get("content-type")).startsWith("application/cloudevents+json");
      JsonNode ce = JSON.readTree(r.body());
      assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
      assertThat(ce.get("type").asText()).isEqualTo("dev.rekey.KeyNewVersionCreated");
      assertThat(ce.get("source").asText()).isEqualTo("/rekey/namespaces/default");
      assertThat(ce.get("id").asText()).isEqualTo(r.headers().get("webhook-id"));
      assertThat(ce.get("subject").asText()).isEqualTo("keys/orders/versions/" + (i + 1));
      assertThat(ce.get("data").get("key").asText()).isEqualTo("orders");
      assertThat(ce.get("data").get("version").asInt()).isEqualTo(i + 1);
      assertThat(ce.get("data").get("tags").get("team").asText()).isEqualTo("payments");
    }

    // the operator's view: the event log has all four, the subscription two delivered deliveries
    E2e.Run events = rekey("events", "list", "--type", "KeyNewVersionCreated");
    assertThat(events.out()).contains("keys/other/versions/2", "keys/orders/versions/2");
    RekeyClient client = E2e.client(server, ROOT_TOKEN);
    E2e.await("deliveries recorded", Duration.ofSeconds(10), () -> client.webhooks().deliveries(hookId, null, null)
        .deliveries().stream().allMatch(d -> d.status().equals("delivered")));
    List<DeliveryView> deliveries = client.webhooks().deliveries(hookId, null, null).deliveries();
    assertThat(deliveries).hasSize(2).allSatisfy(d -> {
      assertThat(d.attempts()).isEqualTo(1);
      assertThat(d.lastStatus()).isEqualTo(204);
    });
    assertThat(rekey("webhook", "deliveries", hookId).out()).contains("delivered", "HTTP 204");

    // redelivery on request: the same webhook-id arrives again, freshly signed
    DeliveryView newest = deliveries.get(0);
    assertThat(rekey("webhook", "redeliver", hookId, newest.id()).out()).contains("Redelivering " + newest.id());
    E2e.await("the redelivery", Duration.ofSeconds(30), () -> received.size() >= 3);
    assertThat(received.get(2).headers().get("webhook-id")).isEqualTo(newest.eventId());
    assertThat(signatureValid(secret, received.get(2))).isTrue();

    // rotating the secret: later deliveries verify only with the new one
    String rotated = field(rekey("webhook", "rotate-secret", hookId), "secret");
    rekey("key", "rotate", "orders");
    E2e.await("the delivery after the secret rotation", Duration.ofSeconds(30), () -> received.size() >= 4);
    assertThat(signatureValid(rotated, received.get(3))).isTrue();
    assertThat(signatureValid(secret, received.get(3))).isFalse();

    rekey("webhook", "delete", hookId);
    assertThat(client.webhooks().list(null, null).webhooks()).isEmpty();
  }

  @Test
  void webhooks_needAGrantOnEveryNamespace() {
    RekeyClient root = E2e.client(server, ROOT_TOKEN);
    String limited = root.createToken("ns-admin", List.of(new GrantView("admin", "default", "*")), null).token();
    RekeyClient client = E2e.client(server, limited);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.webhooks().list(null, null))
        .isInstanceOf(RekeyClientException.class).hasMessageContaining("every namespace");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.webhooks().create("ftp://x/", null, null, null))
        .isInstanceOf(RekeyClientException.class).hasMessageContaining("every namespace");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.webhooks().create("ftp://x/", null, null, null))
        .isInstanceOf(RekeyClientException.class).hasMessageContaining("http:// or https://");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> root.webhooks().create("https://x.test/",
        List.of("KeyDeleted"), null, null)).isInstanceOf(RekeyClientException.class)
        .hasMessageContaining("unknown event type 'KeyDeleted'");
  }

  /** The receiver's check, written from the Standard Webhooks spec with the JCA only. */
  private static boolean signatureValid(String whsec, Received r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring("whsec_".length())), "HmacSHA256"));
    mac.update((r.headers().get("webhook-id") + "." + r.headers().get("webhook-timestamp") + ".")
        .getBytes(StandardCharsets.UTF_8));
    byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(r.body())))
        .getBytes(StandardCharsets.US_ASCII);
    for (String candidate : r.headers().get("webhook-signature").split(" ")) {
      if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }
}
