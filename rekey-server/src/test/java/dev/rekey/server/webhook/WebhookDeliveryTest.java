package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.Backoff;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.DeliveryConfig;
import dev.rekey.core.webhook.DeliveryStatus;
import dev.rekey.core.webhook.WebhookDeliverer;
import dev.rekey.core.webhook.WebhookDispatcher;
import dev.rekey.core.webhook.WebhookSecret;
import dev.rekey.core.webhook.WebhookService;
import dev.rekey.core.webhook.WebhookSignature;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery against a real HTTP server on loopback: it fails with 500s, then outlasts the client
 * timeout, then recovers; a receiver that never recovers dead-letters the delivery, which is
 * redelivered on request once it works again. Real storage (SQLite), real HTTP, real signatures.
 */
class WebhookDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMillis(700);

  @TempDir
  Path dir;
  private Store store;
  private Receiver receiver;
  private HttpWebhookTransport transport;
  private WebhookService webhooks;
  private WebhookDispatcher dispatcher;
  private WebhookDeliverer deliverer;

  @BeforeEach
  void setUp() throws Exception {
    store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")));
    receiver = new Receiver();
    transport = new HttpWebhookTransport(TIMEOUT, dev.rekey.server.net.OutboundPolicy.DEFAULT);
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    Clock clock = Clock.systemUTC();
    webhooks = new WebhookService(store.webhooks(), store.deliveries(), () -> keyring, clock);
    dispatcher = new WebhookDispatcher(store.events(), store.webhooks(), store.deliveries(), store.transactions(), clock);
    Backoff backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 5);
    deliverer = new WebhookDeliverer(new WebhookDeliverer.Sources(store.webhooks(), store.deliveries(), store.events(),
        () -> keyring, new CloudEventsJson()), transport, new DeliveryConfig(backoff, Duration.ofSeconds(5), "node-a"),
        clock);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    receiver.close();
    store.close();
  }

  private Event keyEvent() {
    Event e = Event.of(EventType.KEY_NEW_VERSION_CREATED, Instant.parse("2026-06-01T12:00:00.5Z"), "payments",
        "keys/orders/versions/2", Map.of("team", "pay"),
        Map.of("key", "orders", "key_type", "aes256-gcm", "version", 2, "state", "PENDING"));
    store.events().append(List.of(e));
    return e;
  }

  private Delivery onlyDelivery(String webhookId) {
    List<Delivery> all = webhooks.deliveries(webhookId, null, 10);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Runs the deliverer until {@code done}; the deadline only bounds a broken test. */
  private void deliverUntil(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("gave up waiting for " + what).isLessThan(end);
      deliverer.deliverDue(10);
      Thread.sleep(10);
    }
  }

  @Test
  void post_toADeniedAddress_failsWithTheReason_andNothingIsSent() {
    try (HttpWebhookTransport strict = new HttpWebhookTransport(TIMEOUT,
        dev.rekey.server.net.OutboundPolicy.of(List.of("127.0.0.0/8")))) {
      dev.rekey.core.webhook.DeliveryOutcome outcome = strict.post(receiver.url("/denied"), Map.of(), new byte[] {1});
      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).contains("outbound_deny").contains("127.0.0.0/8");
      assertThat(receiver.received("/denied")).isEmpty();
    }
    assertThat(transport.post(receiver.url("/allowed"), Map.of(), new byte[] {1}).success())
        .as("loopback is allowed by default").isTrue();
    assertThat(transport.post("http://169.254.169.254/latest/meta-data/", Map.of(), new byte[] {1}).error())
        .contains("169.254.0.0/16");
  }

  @Test
  void deliver_failingThenTimingOutReceiver_isRetried_andArrivesSignedAsCloudEvent() throws Exception {
    receiver.script("/flaky", "500", "500", "sleep", "200");
    WebhookService.WithSecret hook = webhooks.create(receiver.url("/flaky"), List.of("KeyNewVersionCreated"), null,
        Map.of("team", "pay"));
    Event event = keyEvent();
    assertThat(dispatcher.dispatch(100)).isEqualTo(1);

    deliverUntil("delivery", () -> onlyDelivery(hook.webhook().id()).status() == DeliveryStatus.DELIVERED);

    Delivery d = onlyDelivery(hook.webhook().id());
    assertThat(d.attempts()).isEqualTo(4);
    assertThat(d.lastStatus()).isEqualTo(200);
    assertThat(d.lastError()).isNull();
    List<Receiver.Request> got = receiver.received("/flaky");
    assertThat(got).hasSize(4);
    assertThat(got).extracting(r -> r.headers().get("webhook-id")).containsOnly(event.id().toString());

    Receiver.Request last = got.get(3);
    long timestamp = Long.parseLong(last.headers().get("webhook-timestamp"));
    assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
    SecretBytes secret = WebhookSecret.parse(hook.secret());
    assertThat(WebhookSignature.verify(secret, event.id().toString(), timestamp, last.body(),
        last.headers().get("webhook-signature"))).isTrue();
    assertThat(last.headers().get("webhook-signature")).isEqualTo(independentSignature(hook.secret(),
        event.id().toString(), timestamp, last.body()));
    assertThat(last.headers().get("content-type")).startsWith("application/cloudevents+json");

    JsonNode ce = JSON.readTree(last.body());
    assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
    assertThat(ce.get("id").asText()).isEqualTo(event.id().toString());
    assertThat(ce.get("source").asText()).isEqualTo("/rekey/namespaces/payments");
    assertThat(ce.get("type").asText()).isEqualTo("dev.rekey.KeyNewVersionCreated");
    assertThat(ce.get("subject").asText()).isEqualTo("keys/orders/versions/2");
    assertThat(Instant.parse(ce.get("time").asText())).isEqualTo(event.time());
    assertThat(ce.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(ce.get("data").get("key").asText()).isEqualTo("orders");
    assertThat(ce.get("data").get("version").asInt()).isEqualTo(2);
    assertThat(ce.get("data").get("namespace").asText()).isEqualTo("payments");
    assertThat(ce.get("data").get("tags").get("team").asText()).isEqualTo("pay");
  }

  @Test
  void deliver_receiverNeverRecovers_deadLetters_thenRedeliverAfterItRecovers_arrives() throws Exception {
    receiver.answerByDefault("/down", "503");
    WebhookService.WithSecret hook = webhooks.create(receiver.url("/down"), List.of(), null, Map.of());
    keyEvent();
    dispatcher.dispatch(100);

    deliverUntil("dead letter", () -> onlyDelivery(hook.webhook().id()).status() == DeliveryStatus.DEAD);
    Delivery dead = onlyDelivery(hook.webhook().id());
    assertThat(dead.attempts()).isEqualTo(5);
    assertThat(dead.lastStatus()).isEqualTo(503);
    assertThat(dead.lastError()).isEqualTo("HTTP 503").doesNotContain("response body");
    assertThat(receiver.received("/down")).hasSize(5);
    assertThat(webhooks.stats().dead()).isEqualTo(1);

    receiver.answerByDefault("/down", "204");
    Delivery again = webhooks.redeliver(hook.webhook().id(), dead.id());
    assertThat(again.status()).isEqualTo(DeliveryStatus.PENDING);
    deliverUntil("redelivery", () -> onlyDelivery(hook.webhook().id()).status() == DeliveryStatus.DELIVERED);
    assertThat(onlyDelivery(hook.webhook().id()).lastStatus()).isEqualTo(204);
    assertThat(receiver.received("/down")).hasSize(6);
    assertThat(webhooks.stats().delivered()).isEqualTo(1);
  }

  @Test
  void deliver_connectionRefused_isAFailureWithAShortReason() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    WebhookService.WithSecret hook = webhooks.create("http://127.0.0.1:" + closedPort + "/x", List.of(), null, Map.of());
    keyEvent();
    dispatcher.dispatch(100);
    deliverUntil("first failure", () -> onlyDelivery(hook.webhook().id()).attempts() >= 1);
    Delivery d = onlyDelivery(hook.webhook().id());
    assertThat(d.lastStatus()).isNull();
    assertThat(d.lastError()).isEqualTo("connection failed");
  }

  @Test
  void rotateSecret_laterDeliveriesAreSignedWithTheNewSecretOnly() throws Exception {
    WebhookService.WithSecret hook = webhooks.create(receiver.url("/rot"), List.of(), null, Map.of());
    WebhookService.WithSecret rotated = webhooks.rotateSecret(hook.webhook().id());
    assertThat(rotated.secret()).isNotEqualTo(hook.secret()).startsWith("whsec_");
    Event event = keyEvent();
    dispatcher.dispatch(100);
    deliverUntil("delivery", () -> onlyDelivery(hook.webhook().id()).status() == DeliveryStatus.DELIVERED);

    Receiver.Request r = receiver.received("/rot").get(0);
    long ts = Long.parseLong(r.headers().get("webhook-timestamp"));
    String sig = r.headers().get("webhook-signature");
    assertThat(WebhookSignature.verify(WebhookSecret.parse(rotated.secret()), event.id().toString(), ts, r.body(), sig))
        .isTrue();
    assertThat(WebhookSignature.verify(WebhookSecret.parse(hook.secret()), event.id().toString(), ts, r.body(), sig))
        .isFalse();
  }

  @Test
  void dispatch_filters_onlyMatchingSubscriptionsGetDeliveries() {
    String all = webhooks.create(receiver.url("/all"), List.of(), null, Map.of()).webhook().id();
    String otherNs = webhooks.create(receiver.url("/ns"), List.of(), "default", Map.of()).webhook().id();
    String otherTag = webhooks.create(receiver.url("/tag"), List.of(), null, Map.of("team", "ops")).webhook().id();
    String otherType = webhooks.create(receiver.url("/type"), List.of("KeyExpired"), null, Map.of()).webhook().id();
    String disabled = webhooks.create(receiver.url("/off"), List.of(), null, Map.of()).webhook().id();
    webhooks.setEnabled(disabled, false);
    keyEvent();

    assertThat(dispatcher.dispatch(100)).isEqualTo(1);
    assertThat(webhooks.deliveries(all, null, 10)).hasSize(1);
    for (String id : Set.of(otherNs, otherTag, otherType, disabled)) {
      assertThat(webhooks.deliveries(id, null, 10)).as(id).isEmpty();
    }
  }

  @Test
  void deliver_subscriptionDisabledAfterFanOut_deadLetters_thenRedeliverAfterEnabling_arrives() throws Exception {
    String id = webhooks.create(receiver.url("/later"), List.of(), null, Map.of()).webhook().id();
    keyEvent();
    dispatcher.dispatch(100);
    webhooks.setEnabled(id, false);

    deliverer.deliverDue(10);
    Delivery dead = onlyDelivery(id);
    assertThat(dead.status()).isEqualTo(DeliveryStatus.DEAD);
    assertThat(dead.lastError()).isEqualTo("subscription disabled");
    assertThat(receiver.received("/later")).isEmpty();

    webhooks.setEnabled(id, true);
    webhooks.redeliver(id, dead.id());
    deliverUntil("delivery after enabling", () -> onlyDelivery(id).status() == DeliveryStatus.DELIVERED);
    assertThat(receiver.received("/later")).hasSize(1);
  }

  @Test
  void deliver_deliveryOfADeletedSubscription_endsInsteadOfBeingReclaimedForever() {
    keyEvent();
    long seq = store.events().recent(null, null, 1).get(0).seq();
    store.deliveries().insert(List.of(new dev.rekey.core.port.DeliveryRepository.NewDelivery("dlv_orphan", "wh_gone",
        seq, "evt", "KeyNewVersionCreated")), Instant.now().minusSeconds(1));

    assertThat(deliverer.deliverDue(10)).isEqualTo(1);
    Delivery orphan = store.deliveries().find("dlv_orphan").orElseThrow();
    assertThat(orphan.status()).isEqualTo(DeliveryStatus.DEAD);
    assertThat(orphan.lastError()).isEqualTo("subscription deleted");
    assertThat(deliverer.deliverDue(10)).isZero();
  }

  private static String independentSignature(String whsec, String id, long ts, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring(6)), "HmacSHA256"));
    mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }
}
