package dev.rekey.server.consumer;

import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.auth.Action;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.BindingTargets;
import dev.rekey.core.consumer.ConsumerHookSecretRewrap;
import dev.rekey.core.consumer.ConsumerNotifier;
import dev.rekey.core.consumer.ConsumerPropagation;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.consumer.ConsumerValidation;
import dev.rekey.core.consumer.ConsumerVersionUsers;
import dev.rekey.core.consumer.ObservationBuffer;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretService;
import dev.rekey.server.api.ConsumerEndpoints;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.AuditSink;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.server.webhook.WebhookSettings;
import dev.rekey.server.webhook.Webhooks;
import dev.rekey.store.Store;
import java.time.Clock;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Consumers on one server: the registry, propagation of rotations (hung off the webhook dispatcher,
 * inside its fan-out transaction), observation of key uses and secret reads from the audit stream,
 * the guard that keeps key and secret versions in use from being retired, hook calls (same retry and timeout settings as webhooks)
 * and the background worker. {@link #close()} stops the worker and the HTTP client.
 */
public final class Consumers implements AutoCloseable {
  /** Operations whose audited version is the one the caller uses now (decrypt and verify read old data). */
  private static final Set<String> OBSERVED = Set.of(Action.ENCRYPT.wireName(), Action.DATAKEY.wireName(),
      Action.REWRAP.wireName(), Action.SIGN.wireName(), Action.MAC.wireName());
  private static final String SECRET_READ = Action.SECRET_READ.wireName();

  private final ConsumerService service;
  private final ObservationBuffer observations;
  private final ConsumerWorker worker;
  private final HttpWebhookTransport transport;
  private final Store store;
  private final Clock clock;

  private Consumers(ConsumerService service, ObservationBuffer observations, ConsumerWorker worker,
      HttpWebhookTransport transport, Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.service = service;
    this.observations = observations;
    this.worker = worker;
    this.transport = transport;
  }

  /** Wires consumers; call before unsealing, so a resumed root key rotation also re-wraps hook secrets. */
  public static Consumers start(Store store, RootOfTrust root, KeyService keys, Webhooks webhooks,
      BooleanSupplier ready, Clock clock, WebhookSettings settings, dev.rekey.server.net.OutboundPolicy outbound) {
    root.alsoRewrap(new ConsumerHookSecretRewrap(store.consumers()));
    ConsumerService service = new ConsumerService(store.consumers(),
        new BindingTargets(store.keys(), store.secrets()), store.transactions(),
        store.events(), root::keyring, clock);
    service.guardRootGenerations(root); // hook secrets are stored only under a generation still stored
    service.guardDestinations(outbound);
    ConsumerPropagation propagation = new ConsumerPropagation(store.consumers(), store.transactions(), store.events(),
        clock);
    webhooks.onDispatch(propagation::onDispatched);
    keys.guardVersions(new ConsumerVersionUsers(store.consumers(), clock));
    HttpWebhookTransport transport = new HttpWebhookTransport(settings.timeout(), outbound);
    keys.guardPromotion(new ConsumerValidation(store.consumers(), transport, root::keyring, clock));
    ConsumerNotifier notifier = new ConsumerNotifier(store.consumers(), transport, root::keyring, settings.backoff(),
        settings.lease(), clock);
    ObservationBuffer observations = new ObservationBuffer();
    ConsumerWorker worker = new ConsumerWorker(propagation, notifier, observations, ready, settings.senders())
        .start(settings.poll());
    return new Consumers(service, observations, worker, transport, store, clock);
  }

  /** Guards secret versions: retiring, disabling or destroying one that bound consumers use needs force. */
  public void guard(SecretService secrets) {
    secrets.guardVersions(new ConsumerVersionUsers(store.consumers(), clock, BindingSubject.Kind.SECRET));
  }

  public void register(ApiRouter router) {
    new ConsumerEndpoints(service).register(router);
  }

  /** An audit sink that also notes which key or secret version each caller used, then passes the event on. */
  public AuditSink observing(AuditSink next) {
    return event -> {
      note(event);
      return next.record(event);
    };
  }

  private void note(AuditEvent e) {
    if (!"allowed".equals(e.outcome()) || e.version() <= 0 || e.keyName() == null) {
      return;
    }
    if (OBSERVED.contains(e.action())) {
      observations.offer(e.namespace(), e.principal(), e.keyName(), e.version(), e.time());
    } else if (SECRET_READ.equals(e.action())) {
      // The version a secret read returned: what the caller's consumer holds now (no write per read).
      observations.offer(e.namespace(), e.principal(), BindingSubject.secret(e.keyName()), e.version(), e.time());
    }
  }

  @Override
  public void close() {
    worker.close();
    transport.close();
  }
}
