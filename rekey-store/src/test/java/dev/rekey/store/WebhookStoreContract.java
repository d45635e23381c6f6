package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.DeliveryRepository.NewDelivery;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.core.webhook.DeliveryStats;
import dev.rekey.core.webhook.DeliveryStatus;
import dev.rekey.core.webhook.Webhook;
import dev.rekey.core.webhook.WebhookDispatcher;
import dev.rekey.core.webhook.WebhookSecret;
import dev.rekey.core.webhook.WebhookSecretRewrap;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.store.JdbcEventOutbox.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Webhook subscriptions, deliveries and their claiming, run on every dialect. */
abstract class WebhookStoreContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-04-01T08:00:00.123456789Z");

  static Webhook hook(String id, Set<EventType> types, String namespace, Map<String, String> tags) {
    return new Webhook(id, "https://hooks.example.test/" + id, types, namespace, tags, true,
        new WrappedKey(new byte[] {1, 2, 3, (byte) id.hashCode()}, "root-a"), T, T);
  }

  private static Event event(String namespace, Map<String, String> tags) {
    return Event.of(EventType.KEY_NEW_VERSION_CREATED, T, namespace, "keys/k/versions/1", tags, Map.of("key", "k"));
  }

  private long appendEvent() {
    store.events().append(List.of(event("default", Map.of())));
    return store.events().recent(null, null, 1).get(0).seq();
  }

  private String newDelivery(String webhookId, long seq, Instant at) {
    String id = "dlv_" + webhookId + "_" + seq;
    store.deliveries().insert(List.of(new NewDelivery(id, webhookId, seq, "evt-" + seq, "KeyNewVersionCreated")), at);
    return id;
  }

  @Test
  void webhook_roundTripsEveryField_listsPagesAndUpdates() {
    Webhook a = hook("wh_a", Set.of(EventType.KEY_EXPIRED, EventType.KEY_NEAR_EXPIRY), "payments", Map.of("team", "x"));
    Webhook b = hook("wh_b", Set.of(), null, Map.of());
    store.webhooks().insert(a);
    store.webhooks().insert(b);

    Webhook read = store.webhooks().find("wh_a").orElseThrow();
    assertThat(read).isEqualTo(a);
    assertThat(read.secret()).isEqualTo(a.secret());
    assertThat(store.webhooks().list(null, 1)).extracting(Webhook::id).containsExactly("wh_a");
    assertThat(store.webhooks().list("wh_a", 10)).extracting(Webhook::id).containsExactly("wh_b");

    store.webhooks().update(b.withEnabled(false, T.plusSeconds(1)));
    assertThat(store.webhooks().enabled()).extracting(Webhook::id).containsExactly("wh_a");
    assertThat(store.webhooks().find("wh_b").orElseThrow().updatedAt()).isEqualTo(T.plusSeconds(1));
    assertThatThrownBy(() -> store.webhooks().insert(a)).isInstanceOf(RekeyException.class)
        .extracting(e -> ((RekeyException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThatThrownBy(() -> store.webhooks().update(hook("wh_none", Set.of(), null, Map.of())))
        .isInstanceOf(RekeyException.class).extracting(e -> ((RekeyException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  /** A copy read before a root key rotation re-wrapped the secret must not write the old wrapping back. */
  @Test
  void update_neverWritesTheSecret_storeSecretDoes() {
    Webhook a = hook("wh_a", Set.of(), null, Map.of());
    store.webhooks().insert(a);
    WrappedKey rewrapped = new WrappedKey(new byte[] {4, 5, 6}, "root-b");
    assertThat(store.webhooks().replaceSecret("wh_a", a.secret(), rewrapped)).isTrue();

    store.webhooks().update(a.withEnabled(false, T.plusSeconds(1)));
    Webhook read = store.webhooks().find("wh_a").orElseThrow();
    assertThat(read.enabled()).isFalse();
    assertThat(read.secret()).isEqualTo(rewrapped);

    WrappedKey fresh = new WrappedKey(new byte[] {7, 8}, "root-b");
    store.webhooks().storeSecret("wh_a", fresh, T.plusSeconds(2));
    assertThat(store.webhooks().find("wh_a").orElseThrow()).isEqualTo(read.withSecret(fresh, T.plusSeconds(2)));
    assertThatThrownBy(() -> store.webhooks().storeSecret("wh_none", fresh, T))
        .isInstanceOf(RekeyException.class).extracting(e -> ((RekeyException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void secretRewrap_afterRootRotation_secretStillUnwrapsWithOnlyTheNewGeneration() {
    RootKeyring before = RootKeyring.generate(T);
    SecretBytes secret = WebhookSecret.generate();
    Webhook w = hook("wh_a", Set.of(), null, Map.of())
        .withSecret(before.wrap(secret, MaterialBinding.webhookSecret("wh_a")), T);
    store.webhooks().insert(w);
    RootKeyring rotated = before.withNewGeneration(T);
    WebhookSecretRewrap rewrap = new WebhookSecretRewrap(store.webhooks());

    assertThat(rewrap.wrappedByOther(rotated.currentId())).isTrue();
    assertThat(rewrap.rewrap(rotated)).isEqualTo(1);
    assertThat(rewrap.wrappedByOther(rotated.currentId())).isFalse();
    Webhook stored = store.webhooks().find("wh_a").orElseThrow();
    assertThat(rotated.withoutOldGenerations().unwrap(stored.secret(), MaterialBinding.webhookSecret("wh_a"))
        .sameAs(secret)).isTrue();
  }

  @Test
  void delete_removesTheSubscriptionAndItsDeliveries() {
    store.webhooks().insert(hook("wh_a", Set.of(), null, Map.of()));
    String d = newDelivery("wh_a", appendEvent(), T);

    assertThat(store.webhooks().delete("wh_a")).isTrue();
    assertThat(store.webhooks().find("wh_a")).isEmpty();
    assertThat(store.deliveries().find(d)).isEmpty();
    assertThat(store.webhooks().delete("wh_a")).isFalse();
  }

  @Test
  void insert_sameSubscriptionAndEventTwice_keepsOneDelivery() {
    long seq = appendEvent();
    newDelivery("wh_a", seq, T);
    store.deliveries().insert(List.of(new NewDelivery("dlv_other", "wh_a", seq, "evt", "KeyNewVersionCreated")), T);
    assertThat(store.deliveries().list("wh_a", null, 10)).hasSize(1);
  }

  @Test
  void claim_leasesDueDeliveriesOnce_untilTheLeaseExpires() {
    long seq = appendEvent();
    String due = newDelivery("wh_a", seq, T);
    newDelivery("wh_b", seq, T.plusSeconds(60)); // not due yet

    Store other = open(config);
    assertThat(store.deliveries().claim("node-1", T, T.plusSeconds(30), 10)).extracting(Delivery::id)
        .containsExactly(due);
    assertThat(other.deliveries().claim("node-2", T.plusSeconds(10), T.plusSeconds(40), 10)).isEmpty();
    // node-1 died: after its lease expires node-2 takes the attempt over
    assertThat(other.deliveries().claim("node-2", T.plusSeconds(30), T.plusSeconds(60), 1)).extracting(Delivery::id)
        .containsExactly(due);
    assertThat(store.deliveries().record(due, "node-1", DeliveryOutcome.answered(200), null, T.plusSeconds(31)))
        .as("the lease was lost").isFalse();
    assertThat(other.deliveries().record(due, "node-2", DeliveryOutcome.answered(204), null, T.plusSeconds(32)))
        .isTrue();

    Delivery done = store.deliveries().find(due).orElseThrow();
    assertThat(done.status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.lastStatus()).isEqualTo(204);
    assertThat(done.deliveredAt()).isEqualTo(T.plusSeconds(32));
  }

  @Test
  void claim_concurrentNodes_claimDisjointDeliveries() throws Exception {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(newDelivery("wh_" + i, appendEvent(), T));
    }
    List<Store> nodes = List.of(store, open(config), open(config), open(config));
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      List<Callable<List<String>>> work = new ArrayList<>();
      for (int n = 0; n < nodes.size(); n++) {
        Store node = nodes.get(n);
        String owner = "node-" + n;
        work.add(() -> {
          List<String> mine = new ArrayList<>();
          for (int round = 0; round < 20; round++) {
            node.deliveries().claim(owner, T, T.plusSeconds(60), 3).forEach(d -> mine.add(d.id()));
          }
          return mine;
        });
      }
      List<String> claimed = new ArrayList<>();
      for (Future<List<String>> f : pool.invokeAll(work)) {
        claimed.addAll(f.get());
      }
      assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void record_failure_staysPendingUntilNextAttempt_thenDeadLetters_andRedeliverResets() {
    String d = newDelivery("wh_a", appendEvent(), T);
    store.deliveries().claim("n", T, T.plusSeconds(30), 1);
    assertThat(store.deliveries().record(d, "n", DeliveryOutcome.answered(500), T.plusSeconds(5), T)).isTrue();

    Delivery retry = store.deliveries().find(d).orElseThrow();
    assertThat(retry.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(retry.attempts()).isEqualTo(1);
    assertThat(retry.lastStatus()).isEqualTo(500);
    assertThat(retry.lastError()).isEqualTo("HTTP 500");
    assertThat(retry.nextAttemptAt()).isEqualTo(T.plusSeconds(5));
    assertThat(store.deliveries().claim("n", T.plusSeconds(4), T.plusSeconds(30), 1)).isEmpty();
    assertThat(store.deliveries().redeliver(d, T)).as("a pending delivery is not redelivered").isFalse();

    store.deliveries().claim("n", T.plusSeconds(5), T.plusSeconds(30), 1);
    store.deliveries().record(d, "n", DeliveryOutcome.failed("timed out after 2000 ms"), null, T.plusSeconds(6));
    Delivery dead = store.deliveries().find(d).orElseThrow();
    assertThat(dead.status()).isEqualTo(DeliveryStatus.DEAD);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.lastStatus()).isNull();
    assertThat(dead.lastError()).isEqualTo("timed out after 2000 ms");

    assertThat(store.deliveries().redeliver(d, T.plusSeconds(100))).isTrue();
    Delivery again = store.deliveries().find(d).orElseThrow();
    assertThat(again.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(again.attempts()).isZero();
    assertThat(store.deliveries().claim("n", T.plusSeconds(100), T.plusSeconds(130), 1)).hasSize(1);
  }

  @Test
  void list_newestFirst_pagesBeforeAnId() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(newDelivery("wh_a", appendEvent(), T));
    }
    Collections.sort(ids, Collections.reverseOrder());
    List<Delivery> first = store.deliveries().list("wh_a", null, 3);
    assertThat(first).extracting(Delivery::id).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(store.deliveries().list("wh_a", first.get(2).id(), 3)).extracting(Delivery::id)
        .containsExactlyElementsOf(ids.subList(3, 5));
  }

  @Test
  void stats_countByStatus_andOldestPendingAge() {
    String a = newDelivery("wh_a", appendEvent(), T);
    newDelivery("wh_b", appendEvent(), T.plusSeconds(10));
    store.deliveries().claim("n", T, T.plusSeconds(30), 1);
    store.deliveries().record(a, "n", DeliveryOutcome.answered(200), null, T);

    DeliveryStats stats = store.deliveries().stats(T.plusSeconds(70));
    assertThat(stats.pending()).isEqualTo(1);
    assertThat(stats.delivered()).isEqualTo(1);
    assertThat(stats.dead()).isZero();
    assertThat(stats.oldestPendingAge()).isEqualTo(Duration.ofSeconds(60));

    // a redelivered delivery counts as pending from its redelivery, not from its creation
    store.deliveries().redeliver(a, T.plusSeconds(65));
    String b = store.deliveries().list("wh_b", null, 1).get(0).id();
    store.deliveries().claim("n", T.plusSeconds(70), T.plusSeconds(100), 10);
    store.deliveries().record(b, "n", DeliveryOutcome.answered(200), null, T.plusSeconds(70));
    DeliveryStats later = store.deliveries().stats(T.plusSeconds(70));
    assertThat(later.pending()).isEqualTo(1);
    assertThat(later.delivered()).isEqualTo(1);
    assertThat(later.oldestPendingAge()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void recent_newestFirst_filteredByType_andFind() {
    store.events().append(List.of(event("default", Map.of()),
        Event.of(EventType.KEY_EXPIRED, T, "default", "keys/k/versions/1", Map.of(), Map.of()),
        event("other", Map.of())));
    List<StoredEvent> all = store.events().recent(null, null, 10);
    assertThat(all).hasSize(3);
    assertThat(all.get(0).seq()).isGreaterThan(all.get(1).seq());
    assertThat(store.events().recent(all.get(0).seq(), null, 10)).hasSize(2);
    assertThat(store.events().recent(null, EventType.KEY_EXPIRED, 10)).extracting(e -> e.event().type())
        .containsExactly(EventType.KEY_EXPIRED);
    assertThat(store.events().find(all.get(2).seq()).orElseThrow().event()).isEqualTo(all.get(2).event());
    assertThat(store.events().find(-1)).isEmpty();
  }

  @Test
  void dispatch_twoNodes_fanOutEachEventOnce_toMatchingSubscriptionsOnly() throws Exception {
    store.webhooks().insert(hook("wh_all", Set.of(), null, Map.of()));
    store.webhooks().insert(hook("wh_pay", Set.of(EventType.KEY_NEW_VERSION_CREATED), "payments", Map.of("team", "pay")));
    store.webhooks().insert(hook("wh_expired", Set.of(EventType.KEY_EXPIRED), null, Map.of()));
    for (int i = 0; i < 30; i++) {
      store.events().append(List.of(event(i % 2 == 0 ? "payments" : "default", Map.of("team", "pay"))));
    }
    Store other = open(config);
    Clock clock = Clock.fixed(T, ZoneOffset.UTC);
    List<WebhookDispatcher> dispatchers = List.of(
        new WebhookDispatcher(store.events(), store.webhooks(), store.deliveries(), store.transactions(), clock),
        new WebhookDispatcher(other.events(), other.webhooks(), other.deliveries(), other.transactions(), clock));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Integer>> work = new ArrayList<>();
      for (WebhookDispatcher d : dispatchers) {
        work.add(() -> {
          int created = 0;
          for (int round = 0; round < 10; round++) {
            created += d.dispatch(4);
          }
          return created;
        });
      }
      int created = 0;
      for (Future<Integer> f : pool.invokeAll(work)) {
        created += f.get();
      }
      assertThat(created).isEqualTo(30 + 15);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.events().undispatched(100)).isEmpty();
    assertThat(store.deliveries().list("wh_all", null, 100)).hasSize(30);
    assertThat(store.deliveries().list("wh_pay", null, 100)).hasSize(15);
    assertThat(store.deliveries().list("wh_expired", null, 100)).isEmpty();
    Set<Long> seqs = new HashSet<>();
    store.deliveries().list("wh_all", null, 100).forEach(d -> seqs.add(d.eventSeq()));
    assertThat(seqs).hasSize(30);
  }
}
