package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.ConsumerHookSecretRewrap;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.root.FileSeal;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.webhook.Webhook;
import dev.rekey.core.webhook.WebhookSecret;
import dev.rekey.core.webhook.WebhookSecretRewrap;
import dev.rekey.core.webhook.WebhookService;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A root key rotation racing writes of webhook and consumer hook signing secrets, on every
 * dialect. Each write is held up at the point where it has wrapped a secret, or read a copy of
 * one, under the old generation, while a whole rotation runs; whatever it stores afterwards must
 * open with the stored keyring, which then holds only the new generation.
 */
abstract class HookSecretRotationRaceContract extends StoreContract {
  static final String NS = "default";
  static final Clock CLOCK = Clock.systemUTC();
  static final String URL = "https://hooks.example.test/receiver";

  /** A server's root of trust on {@code s}, unsealed, re-wrapping webhook and consumer hook secrets. */
  RootOfTrust node(Store s) {
    RootOfTrust root = new RootOfTrust(s.system(), s.transactions(), FileSeal.open(tempDir.resolve("seal.key")), CLOCK);
    if (root.status().initialized()) {
      root.autoUnseal();
    } else {
      root.init();
    }
    root.alsoRewrap(new WebhookSecretRewrap(s.webhooks()));
    root.alsoRewrap(new ConsumerHookSecretRewrap(s.consumers()));
    return root;
  }

  static WebhookService webhooks(Store s, WebhookRepository repo, RootOfTrust root, Supplier<RootKeyring> keyring) {
    WebhookService service = new WebhookService(repo, s.deliveries(), s.transactions(), keyring, CLOCK);
    service.guardRootGenerations(root);
    return service;
  }

  static ConsumerService consumers(Store s, ConsumerRepository repo, RootOfTrust root, Supplier<RootKeyring> keyring) {
    ConsumerService service = new ConsumerService(repo, s.keys(), s.transactions(), s.events(), keyring, CLOCK);
    service.guardRootGenerations(root);
    return service;
  }

  static void rotate(RootOfTrust root, Store s) {
    root.rotateRoot(List.of(s.keys(), s.secrets()));
  }

  @Test
  void aWebhookCreatedWithASecretWrappedBeforeTheRotation_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    WebhookService service = webhooks(store, store.webhooks(), root, gate.keyring(root));

    CompletableFuture<WebhookService.WithSecret> write = gate.holdUp(
        () -> service.create(URL, List.of(), NS, Map.of()));
    rotate(root, store);
    WebhookService.WithSecret created = gate.release(write);

    assertWebhookSecretOpens(created.webhook().id(), created.secret());
  }

  @Test
  void aWebhookSecretRotationWrappedBeforeTheRotation_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    WebhookService service = webhooks(store, store.webhooks(), root, gate.keyring(root));
    Webhook hook = service.create(URL, List.of(), NS, Map.of()).webhook();

    CompletableFuture<WebhookService.WithSecret> write = gate.holdUp(() -> service.rotateSecret(hook.id()));
    rotate(root, store);
    WebhookService.WithSecret rotated = gate.release(write);

    assertWebhookSecretOpens(hook.id(), rotated.secret());
  }

  /** Without a guard the update writes back the secret it read, wrapped under the dropped generation. */
  @Test
  void aWebhookDisabledFromACopyReadBeforeTheRotation_keepsTheRewrappedSecret() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    WebhookService service = webhooks(store, gate.afterFind(WebhookRepository.class, store.webhooks()), root,
        root::keyring);
    WebhookService.WithSecret created = service.create(URL, List.of(), NS, Map.of());

    CompletableFuture<Webhook> write = gate.holdUp(() -> service.setEnabled(created.webhook().id(), false));
    rotate(root, store);
    assertThat(gate.release(write).enabled()).isFalse();

    assertThat(store.webhooks().find(created.webhook().id()).orElseThrow().enabled()).isFalse();
    assertWebhookSecretOpens(created.webhook().id(), created.secret());
  }

  @Test
  void aConsumerRegisteredWithAHookSecretWrappedBeforeTheRotation_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    ConsumerService service = consumers(store, store.consumers(), root, gate.keyring(root));

    CompletableFuture<ConsumerService.Registered> write = gate.holdUp(
        () -> service.register(NS, "billing", null, Map.of(), null, null, URL));
    rotate(root, store);
    ConsumerService.Registered registered = gate.release(write);

    assertHookSecretOpens("billing", registered.hookSecret());
  }

  @Test
  void aConsumerHookSecretRotationWrappedBeforeTheRotation_isWrappedAgain() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    ConsumerService service = consumers(store, store.consumers(), root, gate.keyring(root));
    service.register(NS, "billing", null, Map.of(), null, null, URL);

    CompletableFuture<ConsumerService.Registered> write = gate.holdUp(
        () -> service.update(NS, "billing", null, null, null, null, null, true));
    rotate(root, store);
    ConsumerService.Registered updated = gate.release(write);

    assertHookSecretOpens("billing", updated.hookSecret());
  }

  /** Without a guard the update writes back the hook secret it read, wrapped under the dropped generation. */
  @Test
  void aConsumerUpdatedFromACopyReadBeforeTheRotation_keepsTheRewrappedHookSecret() throws Exception {
    RootOfTrust root = node(store);
    Gate gate = new Gate();
    ConsumerService service = consumers(store, gate.afterFind(ConsumerRepository.class, store.consumers()), root,
        root::keyring);
    ConsumerService.Registered registered = service.register(NS, "billing", null, Map.of(), null, null, URL);

    CompletableFuture<ConsumerService.Registered> write = gate.holdUp(
        () -> service.update(NS, "billing", "batch", null, "ops", null, null, false));
    rotate(root, store);
    gate.release(write);

    Consumer stored = store.consumers().find(NS, "billing").orElseThrow();
    assertThat(stored.kind()).isEqualTo("batch");
    assertThat(stored.owner()).isEqualTo("ops");
    assertHookSecretOpens("billing", registered.hookSecret());
  }

  /** The keyring a fresh node reads: after the rotation, a single generation. */
  RootKeyring storedKeyring() {
    RootKeyring keyring = node(open(config)).keyring();
    assertThat(keyring.generationIds()).as("no rotation left pending").containsExactly(keyring.currentId());
    return keyring;
  }

  void assertWebhookSecretOpens(String id, String shown) {
    Webhook stored = store.webhooks().find(id).orElseThrow();
    assertOpens(storedKeyring(), stored.secret(), MaterialBinding.webhookSecret(id), shown);
  }

  void assertHookSecretOpens(String consumer, String shown) {
    Consumer stored = store.consumers().find(NS, consumer).orElseThrow();
    assertOpens(storedKeyring(), stored.hookSecret(), MaterialBinding.consumerHookSecret(NS, consumer), shown);
  }

  private static void assertOpens(RootKeyring keyring, dev.rekey.core.key.WrappedKey wrapped, byte[] binding,
      String shown) {
    SecretBytes secret = keyring.unwrap(wrapped, binding);
    try {
      assertThat(WebhookSecret.format(secret).equals(shown)).as("the stored secret is the one shown").isTrue();
    } finally {
      secret.destroy();
    }
  }

  /**
   * Holds one write up once, at a point it reaches in its own thread ({@link #keyring}: just after
   * it read the keyring it wraps under; {@link #afterFind}: just after it read the stored object),
   * until {@link #release}.
   */
  static final class Gate {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    Supplier<RootKeyring> keyring(RootOfTrust root) {
      return () -> {
        RootKeyring k = root.keyring();
        pass();
        return k;
      };
    }

    @SuppressWarnings("unchecked")
    <T> T afterFind(Class<T> type, T delegate) {
      return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
        Object result;
        try {
          result = method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
        if (method.getName().equals("find")) {
          pass();
        }
        return result;
      });
    }

    /** Starts {@code write} and returns once it is held up. */
    <T> CompletableFuture<T> holdUp(Supplier<T> write) throws InterruptedException {
      armed.set(true);
      CompletableFuture<T> future = CompletableFuture.supplyAsync(write);
      assertThat(reached.await(10, TimeUnit.SECONDS)).as("the write reached the gate").isTrue();
      return future;
    }

    <T> T release(CompletableFuture<T> write) throws Exception {
      released.countDown();
      return write.get(30, TimeUnit.SECONDS);
    }

    private void pass() {
      if (armed.compareAndSet(true, false)) {
        reached.countDown();
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
