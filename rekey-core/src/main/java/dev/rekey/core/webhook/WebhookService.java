package dev.rekey.core.webhook;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Webhook subscriptions and their deliveries, as the API manages them. The signing secret is
 * generated here, returned once (on creation and on rotation) and otherwise kept only wrapped.
 * A secret is stored in a transaction that checks its root generation is still stored
 * ({@link #guardRootGenerations}); other changes never write the secret.
 */
public final class WebhookService {
  public static final int MAX_PAGE = 1000;

  /** A subscription with its freshly generated secret in the {@code whsec_} form: show it once. */
  public record WithSecret(Webhook webhook, String secret) {
    @Override
    public String toString() {
      return "WithSecret[" + webhook.id() + ", secret redacted]";
    }
  }

  private final WebhookRepository webhooks;
  private final DeliveryRepository deliveries;
  private final Transactions transactions;
  private final Supplier<RootKeyring> keyring;
  private final Clock clock;
  private volatile dev.rekey.core.port.DestinationGuard destinations = dev.rekey.core.port.DestinationGuard.NONE;
  private volatile LiveRootGenerations liveRoots = LiveRootGenerations.NONE;

  /** Refuses URLs whose host {@code guard} denies (the server's {@code outbound_deny}); none by default. */
  public void guardDestinations(dev.rekey.core.port.DestinationGuard guard) {
    this.destinations = guard;
  }

  /** Without transactions: tests and tools where no root key rotation runs concurrently. */
  public WebhookService(WebhookRepository webhooks, DeliveryRepository deliveries, Supplier<RootKeyring> keyring,
      Clock clock) {
    this(webhooks, deliveries, Transactions.direct(), keyring, clock);
  }

  /** {@code transactions}: those of the store {@code webhooks} belongs to. */
  public WebhookService(WebhookRepository webhooks, DeliveryRepository deliveries, Transactions transactions,
      Supplier<RootKeyring> keyring, Clock clock) {
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.transactions = transactions;
    this.keyring = keyring;
    this.clock = clock;
  }

  /**
   * Who checks, inside the transaction that stores a signing secret, that the root generation
   * wrapping it is still stored (the root of trust; see {@link LiveRootGenerations}).
   */
  public void guardRootGenerations(LiveRootGenerations live) {
    this.liveRoots = live;
  }

  /**
   * Creates an enabled subscription. {@code eventTypes} are short names ({@code KeyNewVersionCreated})
   * or CloudEvents types; empty means every type. A null namespace means every namespace.
   */
  public WithSecret create(String url, Collection<String> eventTypes, String namespace, Map<String, String> tags) {
    WebhookUrls.check(url, "url", destinations);
    Set<EventType> types = eventTypes(eventTypes);
    if (namespace != null) {
      Names.namespace(namespace);
    }
    Names.tags(tags == null ? Map.of() : tags);
    String id = WebhookIds.webhook();
    Instant now = clock.instant();
    SecretBytes secret = WebhookSecret.generate();
    try {
      Webhook stored = LiveRootGenerations.retrying(() -> {
        Webhook hook = new Webhook(id, url, types, namespace, tags, true, wrap(id, secret), now, now);
        transactions.run(() -> {
          liveRoots.requireLive(hook.secret().rootKeyId());
          webhooks.insert(hook);
        });
        return hook;
      });
      return new WithSecret(stored, WebhookSecret.format(secret));
    } finally {
      secret.destroy();
    }
  }

  public Webhook get(String id) {
    return webhooks.find(id).orElseThrow(() -> notFound(id));
  }

  public List<Webhook> list(String afterId, int limit) {
    return webhooks.list(afterId, page(limit));
  }

  public void delete(String id) {
    if (!webhooks.delete(id)) {
      throw notFound(id);
    }
  }

  /** Replaces the signing secret at once; deliveries from now on are signed with the new one. */
  public WithSecret rotateSecret(String id) {
    Webhook hook = get(id);
    SecretBytes secret = WebhookSecret.generate();
    try {
      Instant now = clock.instant();
      WrappedKey stored = LiveRootGenerations.retrying(() -> {
        WrappedKey wrapped = wrap(id, secret);
        transactions.run(() -> {
          liveRoots.requireLive(wrapped.rootKeyId());
          webhooks.storeSecret(id, wrapped, now);
        });
        return wrapped;
      });
      return new WithSecret(hook.withSecret(stored, now), WebhookSecret.format(secret));
    } finally {
      secret.destroy();
    }
  }

  public Webhook setEnabled(String id, boolean enabled) {
    Webhook hook = get(id);
    if (hook.enabled() == enabled) {
      return hook;
    }
    Webhook next = hook.withEnabled(enabled, clock.instant());
    webhooks.update(next); // never writes the secret: a rotation may have re-wrapped it since
    return next;
  }

  public List<Delivery> deliveries(String webhookId, String beforeId, int limit) {
    get(webhookId);
    return deliveries.list(webhookId, beforeId, page(limit));
  }

  /** Sends a delivered or dead-lettered delivery again, with a fresh attempt budget. */
  public Delivery redeliver(String webhookId, String deliveryId) {
    Delivery d = deliveries.find(deliveryId).filter(x -> x.webhookId().equals(webhookId))
        .orElseThrow(() -> RekeyException.notFound("no delivery '" + deliveryId + "' for webhook '" + webhookId + "'"));
    if (!deliveries.redeliver(deliveryId, clock.instant())) {
      throw RekeyException.illegalState("delivery '" + deliveryId + "' is still pending; it will be retried anyway");
    }
    return deliveries.find(d.id()).orElseThrow(() -> RekeyException.notFound("delivery '" + deliveryId + "' vanished"));
  }

  public DeliveryStats stats() {
    return deliveries.stats(clock.instant());
  }

  /** Parses event type names; unknown names are INVALID_REQUEST naming the known ones. */
  public static Set<EventType> eventTypes(Collection<String> names) {
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    if (names != null) {
      for (String n : names) {
        types.add(EventType.fromName(n).orElseThrow(() -> RekeyException.invalid("unknown event type '" + n
            + "'; known: " + String.join(", ", java.util.Arrays.stream(EventType.values()).map(EventType::shortName).toList()))));
      }
    }
    return types;
  }

  private WrappedKey wrap(String id, SecretBytes secret) {
    return keyring.get().wrap(secret, MaterialBinding.webhookSecret(id));
  }

  static int page(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw RekeyException.invalid("limit must be between 1 and " + MAX_PAGE);
    }
    return limit;
  }

  private static RekeyException notFound(String id) {
    return RekeyException.notFound("no webhook '" + id + "'");
  }
}
