package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventEncoder;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.InMemoryDeliveryRepository;
import dev.rekey.core.testing.InMemoryWebhookStore;
import dev.rekey.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher and deliverer over in-memory storage, a scripted transport and a clock that moves when told. */
class WebhookDelivererTest {
  private static final Instant T = Instant.parse("2026-07-01T00:00:00Z");
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60), 4);

  /** One request as the transport saw it. */
  private record Sent(String url, Map<String, String> headers, byte[] body) {}

  private final MutableClock clock = new MutableClock(T);
  private final InMemoryDeliveryRepository deliveries = new InMemoryDeliveryRepository();
  private final InMemoryWebhookStore store = new InMemoryWebhookStore(deliveries);
  private final RootKeyring keyring = RootKeyring.generate(T);
  private final Deque<DeliveryOutcome> script = new ArrayDeque<>();
  private final List<Sent> sent = new ArrayList<>();
  private WebhookService service;
  private WebhookDispatcher dispatcher;
  private WebhookDeliverer deliverer;

  @BeforeEach
  void setUp() {
    service = new WebhookService(store, deliveries, () -> keyring, clock);
    dispatcher = new WebhookDispatcher(store, store, deliveries, Transactions.direct(), clock);
    EventEncoder encoder = new EventEncoder() {
      @Override
      public String contentType() {
        return "application/test";
      }

      @Override
      public byte[] encode(Event event) {
        return ("{\"id\":\"" + event.id() + "\"}").getBytes(StandardCharsets.UTF_8);
      }
    };
    deliverer = new WebhookDeliverer(new WebhookDeliverer.Sources(store, deliveries, store, () -> keyring, encoder),
        (url, headers, body) -> {
          sent.add(new Sent(url, headers, body));
          return script.isEmpty() ? DeliveryOutcome.answered(200) : script.poll();
        }, new DeliveryConfig(BACKOFF, Duration.ofSeconds(30), "node-1"), clock);
  }

  private Event event() {
    Event e = Event.of(EventType.KEY_NEW_VERSION_CREATED, T, "default", "keys/k/versions/1", Map.of(), Map.of());
    store.append(List.of(e));
    return e;
  }

  private Delivery only(String webhookId) {
    List<Delivery> all = deliveries.list(webhookId, null, 10);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void deliver_sendsSignedHeaders_withTheEventIdAsWebhookId() {
    WebhookService.WithSecret hook = service.create("https://r.test/h", List.of(), null, Map.of());
    Event e = event();
    dispatcher.dispatch(10);

    assertThat(deliverer.deliverDue(10)).isEqualTo(1);
    Sent s = sent.get(0);
    assertThat(s.url()).isEqualTo("https://r.test/h");
    assertThat(s.headers()).containsEntry("webhook-id", e.id().toString()).containsEntry("Content-Type", "application/test")
        .containsEntry("webhook-timestamp", Long.toString(T.getEpochSecond()));
    assertThat(WebhookSignature.verify(WebhookSecret.parse(hook.secret()), e.id().toString(), T.getEpochSecond(),
        s.body(), s.headers().get("webhook-signature"))).isTrue();
    assertThat(only(hook.webhook().id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  void deliver_failures_retryWithinTheBackoffCeiling_thenDeadLetter() {
    String id = service.create("https://r.test/h", List.of(), null, Map.of()).webhook().id();
    event();
    dispatcher.dispatch(10);
    for (int i = 0; i < 4; i++) {
      script.add(DeliveryOutcome.answered(500));
    }

    for (int failures = 1; failures <= 3; failures++) {
      Instant before = clock.instant();
      assertThat(deliverer.deliverDue(10)).isEqualTo(1);
      Delivery d = only(id);
      assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(d.attempts()).isEqualTo(failures);
      assertThat(d.nextAttemptAt()).isBetween(before, before.plus(BACKOFF.ceiling(failures)));
      if (d.nextAttemptAt().isAfter(clock.instant())) {
        clock.advance(Duration.between(clock.instant(), d.nextAttemptAt()).minusMillis(1));
        assertThat(deliverer.deliverDue(10)).as("not due before its time").isZero();
        clock.advance(Duration.ofMillis(1));
      }
    }
    assertThat(deliverer.deliverDue(10)).isEqualTo(1);
    Delivery dead = only(id);
    assertThat(dead.status()).isEqualTo(DeliveryStatus.DEAD);
    assertThat(dead.attempts()).isEqualTo(4);
    assertThat(dead.lastError()).isEqualTo("HTTP 500");
    clock.advance(Duration.ofHours(1));
    assertThat(deliverer.deliverDue(10)).as("a dead letter is not retried").isZero();
    assertThat(sent).hasSize(4);
    assertThat(service.stats().dead()).isEqualTo(1);
  }

  @Test
  void dispatch_withoutSubscriptions_marksEventsDispatched_andCreatesNothing() {
    event();
    event();
    assertThat(dispatcher.dispatch(10)).isZero();
    assertThat(store.undispatched(10)).isEmpty();
  }

  @Test
  void redeliver_delivered_sendsAgainWithTheSameWebhookId() {
    String id = service.create("https://r.test/h", List.of(), null, Map.of()).webhook().id();
    Event e = event();
    dispatcher.dispatch(10);
    deliverer.deliverDue(10);
    service.redeliver(id, only(id).id());
    clock.advance(Duration.ofSeconds(1));
    deliverer.deliverDue(10);
    assertThat(sent).hasSize(2).allSatisfy(s -> assertThat(s.headers().get("webhook-id")).isEqualTo(e.id().toString()));
  }

  @Test
  void withSecret_toString_neverShowsTheSecret() {
    WebhookService.WithSecret hook = service.create("https://r.test/h", List.of(), null, Map.of());
    assertThat(hook.toString()).doesNotContain(hook.secret().substring(6));
    assertThat(hook.webhook().toString()).doesNotContain(hook.secret().substring(6));
  }
}
