package dev.rekey.server.webhook;

import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.webhook.DeliveryConfig;
import dev.rekey.core.webhook.DeliveryStats;
import dev.rekey.core.webhook.WebhookDeliverer;
import dev.rekey.core.webhook.WebhookDispatcher;
import dev.rekey.core.webhook.WebhookSecretRewrap;
import dev.rekey.core.webhook.WebhookService;
import dev.rekey.server.api.WebhookEndpoints;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.store.Store;
import java.time.Clock;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Webhooks on one server: the subscription service, root key rotation of their secrets, and the
 * background worker that fans events out and delivers them. {@link #close()} stops the worker and
 * the HTTP client.
 */
public final class Webhooks implements AutoCloseable {
  private final WebhookService service;
  private final HttpWebhookTransport transport;
  private final WebhookWorker worker;
  private final Store store;
  private WebhookDispatcher dispatcher;

  private Webhooks(WebhookService service, HttpWebhookTransport transport, WebhookWorker worker, Store store) {
    this.service = service;
    this.transport = transport;
    this.worker = worker;
    this.store = store;
  }

  /**
   * Wires webhooks and starts the worker. Call before unsealing, so that a root key rotation
   * resumed at unseal also re-wraps webhook secrets. {@code ready}: is the server unsealed?
   */
  public static Webhooks start(Store store, RootOfTrust root, BooleanSupplier ready, Clock clock,
      WebhookSettings settings, dev.rekey.core.port.MetricsRecorder metrics,
      dev.rekey.server.net.OutboundPolicy outbound) {
    root.alsoRewrap(new WebhookSecretRewrap(store.webhooks()));
    WebhookService service = new WebhookService(store.webhooks(), store.deliveries(), store.transactions(),
        root::keyring, clock);
    service.guardRootGenerations(root); // secrets are stored only under a generation still stored
    service.guardDestinations(outbound);
    HttpWebhookTransport transport = new HttpWebhookTransport(settings.timeout(), outbound);
    WebhookDeliverer deliverer = new WebhookDeliverer(new WebhookDeliverer.Sources(store.webhooks(),
        store.deliveries(), store.events(), root::keyring, new CloudEventsJson()), transport,
        new DeliveryConfig(settings.backoff(), settings.lease(), "node-" + UUID.randomUUID()), clock, metrics);
    WebhookDispatcher dispatcher = new WebhookDispatcher(store.events(), store.webhooks(), store.deliveries(),
        store.transactions(), clock);
    WebhookWorker worker = new WebhookWorker(dispatcher, deliverer, ready, settings.senders()).start(settings.poll());
    Webhooks webhooks = new Webhooks(service, transport, worker, store);
    webhooks.dispatcher = dispatcher;
    return webhooks;
  }

  public void register(ApiRouter router) {
    new WebhookEndpoints(service, store.events(), worker::nudge).register(router);
  }

  /** Deliveries by status and the oldest pending age: what /metrics should expose. */
  public DeliveryStats stats() {
    return service.stats();
  }

  /** Also tells {@code listener} about each event as it is fanned out, in the fan-out transaction. */
  public void onDispatch(WebhookDispatcher.DispatchListener listener) {
    dispatcher.alsoNotify(listener);
  }

  /** Fan out and deliver soon (after a change that wrote events). */
  public void nudge() {
    worker.nudge();
  }

  @Override
  public void close() {
    worker.close();
    transport.close();
  }
}
