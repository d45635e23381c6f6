package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.DeliveryList;
import dev.rekey.api.DeliveryView;
import dev.rekey.api.EventList;
import dev.rekey.api.WebhookCreateRequest;
import dev.rekey.api.WebhookList;
import dev.rekey.api.WebhookView;
import java.util.List;
import java.util.Map;

/**
 * Webhook subscriptions, their deliveries, and the lifecycle events they carry
 * ({@code client.webhooks()}). Shares the connection, token and namespace of the
 * {@link RekeyClient} it came from.
 */
public final class WebhooksClient {
  private final ApiCalls calls;

  WebhooksClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Creates a webhook subscription; the answer's {@code secret} ({@code whsec_...}) is shown only this once. */
  public WebhookView create(WebhookCreateRequest request) {
    return calls.post(ApiPaths.WEBHOOKS, request, WebhookView.class);
  }

  /**
   * Creates a webhook subscription: {@code eventTypes} (null or empty: all) such as
   * {@code KeyNewVersionCreated}, {@code namespace} (null: all), {@code tags} (null: no tag filter).
   */
  public WebhookView create(String url, List<String> eventTypes, String namespace, Map<String, String> tags) {
    return create(new WebhookCreateRequest(url, eventTypes, namespace, tags));
  }

  public WebhookView get(String id) {
    return calls.get(ApiPaths.webhook(id), WebhookView.class);
  }

  /** One page of subscriptions after the id {@code after} (null: from the start). */
  public WebhookList list(String after, Integer limit) {
    return calls.get(WireText.pathWithQuery(ApiPaths.WEBHOOKS, "after", after, "limit", limit), WebhookList.class);
  }

  public void delete(String id) {
    calls.call("DELETE", ApiPaths.webhook(id));
  }

  /** A new signing secret at once; the answer's {@code secret} is the only place it is shown. */
  public WebhookView rotateSecret(String id) {
    return calls.post(ApiPaths.webhookAction(id, "rotate-secret"), null, WebhookView.class);
  }

  public WebhookView setEnabled(String id, boolean enabled) {
    return calls.post(ApiPaths.webhookAction(id, enabled ? "enable" : "disable"), null, WebhookView.class);
  }

  /** A subscription's deliveries, newest first, before the delivery id {@code before} (null: the newest). */
  public DeliveryList deliveries(String id, String before, Integer limit) {
    return calls.get(WireText.pathWithQuery(ApiPaths.webhookAction(id, "deliveries"), "before", before,
        "limit", limit), DeliveryList.class);
  }

  /** Sends a delivered or dead-lettered delivery again. */
  public DeliveryView redeliver(String webhookId, String deliveryId) {
    return calls.post(ApiPaths.redeliver(webhookId, deliveryId), null, DeliveryView.class);
  }

  /** Recent lifecycle events, newest first; {@code type} (null: all) such as {@code KeyNewVersionCreated}. */
  public EventList events(String type, Long before, Integer limit) {
    return calls.get(WireText.pathWithQuery(ApiPaths.EVENTS, "type", type, "before", before, "limit", limit),
        EventList.class);
  }
}
