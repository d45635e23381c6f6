package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.BindingView;
import dev.rekey.api.GrantView;
import dev.rekey.client.ConsumersClient;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.webhook.WebhookSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario: three consumers, each a real HTTP server, bound to one key. A confirms as
 * soon as its hook is called, B's hook fails a few times before it succeeds (and confirms), C never
 * answers. After a rotation A and B are CURRENT within the deadline, C goes STALE, the overdue event
 * reaches a webhook subscriber, {@code rekey status} shows C, retiring the old version is refused
 * naming C; when C confirms, the stale state clears and the retirement proceeds.
 */
class ConsumerPropagationE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /** One request a test server received. */
  record Received(Map<String, String> headers, byte[] body) {}

  @TempDir Path dataDir;
  private RekeyServer server;
  private RekeyClient client;
  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService confirmations = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-consumer");
    t.setDaemon(true);
    return t;
  });

  @BeforeEach
  void start() {
    // Fast retries and a short hook timeout, so the scenario runs in seconds.
    WebhookSettings settings = WebhookSettings.from(Map.of("REKEY_WEBHOOK_INITIAL_DELAY", "PT0.1S",
        "REKEY_WEBHOOK_MAX_DELAY", "PT0.2S", "REKEY_WEBHOOK_TIMEOUT", "PT1S", "REKEY_WEBHOOK_POLL", "PT0.1S",
        "REKEY_WEBHOOK_MAX_ATTEMPTS", "30"));
    server = RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dataDir, ROOT_TOKEN), settings);
    client = E2e.client(server, ROOT_TOKEN);
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
    confirmations.shutdownNow();
    server.close();
  }

  private E2e.Run rekey(String... args) {
    E2e.Run run = cli(server.url(), ROOT_TOKEN, null, args);
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  /** A test HTTP server on loopback; {@code handler} answers every request to {@code /}. */
  private String httpServer(HttpHandlerWithBody handler, ExecutorService executor) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", exchange -> {
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
      Received r = new Received(headers, exchange.getRequestBody().readAllBytes());
      try {
        int status = handler.handle(r);
        exchange.sendResponseHeaders(status, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    });
    s.setExecutor(executor);
    s.start();
    servers.add(s);
    return "http://127.0.0.1:" + s.getAddress().getPort() + "/";
  }

  @FunctionalInterface
  interface HttpHandlerWithBody {
    int handle(Received r) throws InterruptedException;
  }

  /** A consumer's answer: confirm the version named in the (verified) request, a moment after answering. */
  private void confirmLater(String consumer, Received r) {
    confirmations.execute(() -> {
      try {
        JsonNode body = JSON.readTree(r.body());
        client.consumers().confirm(consumer, body.get("key").asText(), body.get("version").asInt());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String field(E2e.Run run, String name) {
    return run.out().lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow()
        .substring(name.length() + 1).trim();
  }

  private boolean onVersion2(String consumer) {
    BindingView b = binding(consumer);
    return b.state().equals("CURRENT") && b.version() == 2 && b.targetVersion() == 2;
  }

  private BindingView binding(String consumer) {
    return client.consumers().bindingsOfKey("orders").bindings().stream()
        .filter(b -> b.consumer().equals(consumer)).findFirst().orElseThrow();
  }

  @Test
  void rotation_promptAndRetriedConsumersMove_silentOneGoesStale_blocksRetirement_untilItConfirms() throws Exception {
    // The subscriber that must hear about the overdue consumer.
    List<Received> events = new CopyOnWriteArrayList<>();
    String subscriber = httpServer(r -> {
      events.add(r);
      return 204;
    }, Executors.newSingleThreadExecutor());
    client.webhooks().create(subscriber, List.of("ConsumerRotationOverdue", "ConsumerRotationCompleted"), null, null);

    rekey("key", "create", "orders", "--tag", "team=payments");
    rekey("consumer", "policy", "orders", "--deadline", "PT5S");

    // A: verifies the signature, answers 204 and confirms at once.
    List<Received> toA = new CopyOnWriteArrayList<>();
    String[] secretA = new String[1];
    String urlA = httpServer(r -> {
      toA.add(r);
      if (secretA[0] != null && signatureValid(secretA[0], r)) {
        confirmLater("consumer-a", r);
        return 204;
      }
      return 401;
    }, Executors.newSingleThreadExecutor());
    // B: fails three times, then answers 200 and confirms.
    List<Received> toB = new CopyOnWriteArrayList<>();
    AtomicInteger callsB = new AtomicInteger();
    String urlB = httpServer(r -> {
      toB.add(r);
      if (callsB.incrementAndGet() <= 3) {
        return 500;
      }
      confirmLater("consumer-b", r);
      return 200;
    }, Executors.newSingleThreadExecutor());
    // C: never answers within the hook timeout.
    AtomicInteger callsC = new AtomicInteger();
    String urlC = httpServer(r -> {
      callsC.incrementAndGet();
      Thread.sleep(60_000);
      return 200;
    }, Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "silent-consumer");
      t.setDaemon(true);
      return t;
    }));

    secretA[0] = field(rekey("consumer", "register", "consumer-a", "--kind", "service", "--hook-url", urlA),
        "hook secret");
    assertThat(secretA[0]).startsWith("whsec_");
    rekey("consumer", "register", "consumer-b", "--kind", "batch-job", "--hook-url", urlB);
    rekey("consumer", "register", "consumer-c", "--kind", "storage-account", "--owner", "storage-team",
        "--hook-url", urlC);
    for (String c : List.of("consumer-a", "consumer-b", "consumer-c")) {
      assertThat(rekey("consumer", "bind", c, "orders").out()).contains("CURRENT");
    }
    assertThat(rekey("consumer", "show", "consumer-a").out()).doesNotContain(secretA[0]).contains("orders");

    long rotatedAt = System.nanoTime();
    rekey("key", "rotate", "orders");

    E2e.await("A and B current", DEADLINE.multipliedBy(2), () ->
        onVersion2("consumer-a") && onVersion2("consumer-b"));
    assertThat(Duration.ofNanos(System.nanoTime() - rotatedAt)).as("A and B moved within the deadline")
        .isLessThan(DEADLINE);
    assertThat(binding("consumer-a").version()).isEqualTo(2);
    assertThat(binding("consumer-b").version()).isEqualTo(2);
    assertThat(binding("consumer-c").state()).isEqualTo("PENDING_UPDATE");
    assertThat(toA).isNotEmpty();
    assertThat(toB).hasSizeGreaterThanOrEqualTo(4);
    // every retry carries the same idempotency key
    assertThat(toB.stream().map(r -> r.headers().get("webhook-id")).distinct()).hasSize(1);
    assertThat(toB.get(0).headers().get("idempotency-key")).isEqualTo(toB.get(0).headers().get("webhook-id"));

    E2e.await("C stale", DEADLINE.multipliedBy(3), () -> binding("consumer-c").state().equals("STALE"));
    assertThat(callsC.get()).isPositive();
    E2e.await("the overdue event at the subscriber", Duration.ofSeconds(20), () -> events.stream()
        .anyMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("ConsumerRotationOverdue")));
    JsonNode overdue = events.stream().map(r -> read(r.body()))
        .filter(e -> e.get("type").asText().equals("dev.rekey.ConsumerRotationOverdue")).findFirst().orElseThrow();
    assertThat(overdue.get("data").get("consumer").asText()).isEqualTo("consumer-c");
    assertThat(overdue.get("data").get("key").asText()).isEqualTo("orders");
    assertThat(overdue.get("data").get("expected_version").asInt()).isEqualTo(2);
    assertThat(overdue.get("subject").asText()).isEqualTo("consumers/consumer-c/bindings/orders");

    String status = rekey("status").out();
    assertThat(status).contains("stale bindings: 1", "consumer-c").doesNotContain("consumer-a", "consumer-b");
    java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/metrics"))
            .header("Authorization", "Bearer " + ROOT_TOKEN).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).containsPattern("rekey_consumer_binding_stale_seconds\\{[^}]*consumer=\"consumer-c\"")
        .doesNotContain("consumer=\"consumer-a\"");
    String drift = rekey("report", "drift", "--key", "orders").out();
    assertThat(drift.lines().filter(l -> l.contains("consumer-c")).findFirst().orElseThrow()).contains(" no ");

    E2e.Run refused = cli(server.url(), ROOT_TOKEN, null, "key", "version", "retire", "orders", "1");
    assertThat(refused.exit()).as(refused.toString()).isNotZero();
    assertThat(refused.err()).contains("consumer-c").contains("force").doesNotContain("consumer-a");
    assertThat(client.getKey("orders").versions().get(0).state()).isEqualTo("active");

    rekey("consumer", "confirm", "consumer-c", "orders", "2");
    assertThat(binding("consumer-c").state()).isEqualTo("CURRENT");
    assertThat(rekey("status").out()).contains("stale bindings: 0").doesNotContain("consumer-c");
    E2e.await("the completion event at the subscriber", Duration.ofSeconds(20), () -> events.stream()
        .map(r -> read(r.body())).anyMatch(e -> e.get("type").asText().equals("dev.rekey.ConsumerRotationCompleted")
            && e.get("data").get("consumer").asText().equals("consumer-c")
            && e.get("data").get("was_overdue").asBoolean()));
    assertThat(rekey("key", "version", "retire", "orders", "1").out()).contains("Applied retire");
    assertThat(client.getKey("orders").versions().get(0).state()).isEqualTo("retired");
    String after = rekey("report", "drift", "--key", "orders").out();
    assertThat(after.lines().filter(l -> l.contains("consumer-c")).findFirst().orElseThrow()).doesNotContain(" no ");
  }

  @Test
  void observedUse_movesTheConsumer_andForcedRetirementIsAuditedNamingTheConsumers() throws Exception {
    ConsumersClient consumers = client.consumers();
    client.createKey("ledger", null, null);
    String token = client.createToken("svc-ledger", List.of(new GrantView("crypto-user", "default", "ledger")), null)
        .token();
    rekey("consumer", "register", "ledger-app", "--principal", "svc-ledger");
    rekey("consumer", "register", "ledger-batch");
    rekey("consumer", "bind", "ledger-app", "ledger");
    rekey("consumer", "bind", "ledger-batch", "ledger", "--pinned", "--version", "1");
    client.rotateKey("ledger", true);
    E2e.await("pending after the rotation", Duration.ofSeconds(10), () -> consumers.bindingsOfKey("ledger").bindings()
        .stream().allMatch(b -> b.state().equals("PENDING_UPDATE")));

    // the consumer's own encryption with the new primary is seen: no confirmation needed
    RekeyClient app = E2e.client(server, token);
    app.encrypt("ledger", "hello".getBytes(StandardCharsets.UTF_8), null);
    E2e.await("observed on v2", Duration.ofSeconds(10), () -> consumers.bindingsOfKey("ledger").bindings().stream()
        .anyMatch(b -> b.consumer().equals("ledger-app") && b.state().equals("CURRENT") && b.version() == 2));

    // the pinned batch job still uses v1: refused, then forced, and the audit trail names it
    E2e.Run refused = cli(server.url(), ROOT_TOKEN, null, "key", "version", "disable", "ledger", "1");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("ledger-batch").doesNotContain("ledger-app");
    rekey("key", "version", "disable", "ledger", "1", "--force");
    assertThat(client.getKey("ledger").versions().get(0).state()).isEqualTo("disabled");
    List<AuditRecordView> records = client.auditRecords(null, 1000).records();
    AuditRecordView forced = records.stream().filter(r -> "key.lifecycle".equals(r.action())
        && "allowed".equals(r.outcome()) && "ledger".equals(r.key())).reduce((a, b) -> b).orElseThrow();
    assertThat(forced.details()).containsEntry("forced", true);
    assertThat(forced.details().get("consumers").toString()).contains("ledger-batch");
  }

  @Test
  void verifyBeforePromote_failedValidation_leavesTheVersionPendingAndFiresRotationFailed() throws Exception {
    AtomicInteger failValidation = new AtomicInteger(1);
    List<String> validated = new CopyOnWriteArrayList<>();
    String good = httpServer(r -> {
      validated.add("good " + read(r.body()).get("type").asText());
      return 204;
    }, Executors.newSingleThreadExecutor());
    String bad = httpServer(r -> {
      boolean validation = read(r.body()).get("type").asText().equals("dev.rekey.ConsumerValidationRequested");
      return validation && failValidation.get() == 1 ? 500 : 204;
    }, Executors.newSingleThreadExecutor());
    rekey("key", "create", "payments");
    rekey("consumer", "policy", "payments", "--verify-before-promote", "true");
    rekey("consumer", "register", "good", "--hook-url", good);
    rekey("consumer", "register", "bad", "--hook-url", bad);
    rekey("consumer", "bind", "good", "payments");
    rekey("consumer", "bind", "bad", "payments");

    rekey("key", "rotate", "payments");
    assertThat(client.getKey("payments").versions()).extracting(v -> v.state()).containsExactly("primary", "pending");
    assertThat(validated).contains("good dev.rekey.ConsumerValidationRequested");
    assertThat(rekey("events", "list", "--type", "RotationFailed").out()).contains("keys/payments/versions/2");
    assertThat(client.webhooks().events("RotationFailed", null, 10).events().get(0).data()).containsEntry("consumers", "bad");

    failValidation.set(0);
    rekey("key", "rotate", "payments");
    assertThat(client.getKey("payments").versions()).extracting(v -> v.state())
        .containsExactly("active", "pending", "primary");
  }

  private static JsonNode read(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The consumer's check, written from the Standard Webhooks spec with the JCA only. */
  private static boolean signatureValid(String whsec, Received r) {
    try {
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
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
