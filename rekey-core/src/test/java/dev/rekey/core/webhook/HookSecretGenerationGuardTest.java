package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.InMemoryConsumerRepository;
import dev.rekey.core.testing.InMemoryDeliveryRepository;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.InMemoryWebhookStore;
import dev.rekey.core.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Webhook and consumer hook secrets check their root generation inside the transaction that
 * stores them: refused because a rotation dropped it, they are wrapped again under the generation
 * the node then has; refused every time, the write is a 409 that stores nothing.
 */
class HookSecretGenerationGuardTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final String URL = "https://hooks.example.test/receiver";

  final MutableClock clock = new MutableClock(T);
  final RootKeyring before = RootKeyring.generate(T);
  final RootKeyring after = before.withNewGeneration(T).withoutOldGenerations();
  final AtomicReference<RootKeyring> ring = new AtomicReference<>(before);
  final AtomicInteger refusals = new AtomicInteger();
  final InMemoryDeliveryRepository deliveries = new InMemoryDeliveryRepository();
  final InMemoryWebhookStore webhookRepo = new InMemoryWebhookStore(deliveries);
  final InMemoryConsumerRepository consumerRepo = new InMemoryConsumerRepository();

  /** As RootOfTrust.requireLive after a drop: refuses the old generation and takes over the stored keyring. */
  final LiveRootGenerations dropped = id -> {
    if (!id.equals(after.currentId())) {
      refusals.incrementAndGet();
      ring.set(after);
      throw RekeyException.concurrentModification("generation gone; retry");
    }
  };
  final LiveRootGenerations alwaysRefused = id -> {
    throw RekeyException.concurrentModification("generation gone; retry");
  };

  WebhookService webhooks(LiveRootGenerations live) {
    WebhookService service = new WebhookService(webhookRepo, deliveries, Transactions.direct(), ring::get, clock);
    service.guardRootGenerations(live);
    return service;
  }

  ConsumerService consumers(LiveRootGenerations live) {
    ConsumerService service = new ConsumerService(consumerRepo, new InMemoryKeyRepository(), Transactions.direct(),
        new InMemoryEventOutbox(), ring::get, clock);
    service.guardRootGenerations(live);
    return service;
  }

  @Test
  void webhookSecrets_refusedGeneration_areWrappedAgain() {
    WebhookService service = webhooks(dropped);
    WebhookService.WithSecret created = service.create(URL, List.of(), null, Map.of());
    ring.set(before);
    WebhookService.WithSecret rotated = service.rotateSecret(created.webhook().id());

    assertThat(refusals).hasValue(2);
    Webhook stored = webhookRepo.find(created.webhook().id()).orElseThrow();
    assertThat(stored.secret().rootKeyId()).isEqualTo(after.currentId());
    assertThat(rotated.webhook().secret()).isEqualTo(stored.secret());
  }

  @Test
  void webhookSecrets_refusedEveryTime_areAConflictThatStoresNothing() {
    Webhook existing = webhooks(LiveRootGenerations.NONE).create(URL, List.of(), null, Map.of()).webhook();
    WebhookService service = webhooks(alwaysRefused);

    assertConflict(() -> service.create(URL, List.of(), null, Map.of()));
    assertConflict(() -> service.rotateSecret(existing.id()));
    assertThat(webhookRepo.list(null, 10)).containsExactly(existing);
  }

  @Test
  void consumerHookSecrets_refusedGeneration_areWrappedAgain() {
    ConsumerService service = consumers(dropped);
    service.register("default", "billing", null, Map.of(), null, null, URL);
    ring.set(before);
    service.update("default", "billing", null, null, null, null, null, true);

    assertThat(refusals).hasValue(2);
    assertThat(consumerRepo.find("default", "billing").orElseThrow().hookSecret().rootKeyId())
        .isEqualTo(after.currentId());
  }

  @Test
  void consumerHookSecrets_refusedEveryTime_areAConflictThatStoresNothing() {
    var existing = consumers(LiveRootGenerations.NONE)
        .register("default", "billing", null, Map.of(), null, null, URL).consumer();
    ConsumerService service = consumers(alwaysRefused);

    assertConflict(() -> service.register("default", "archive", null, Map.of(), null, null, URL));
    assertConflict(() -> service.update("default", "billing", "batch", null, null, null, null, true));
    assertThat(consumerRepo.find("default", "archive")).isEmpty();
    assertThat(consumerRepo.find("default", "billing")).contains(existing);
  }

  static void assertConflict(Runnable write) {
    assertThatThrownBy(write::run).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
  }
}
