package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;
import static dev.rekey.server.http.Endpoint.withoutBody;

import dev.rekey.api.DeliveryList;
import dev.rekey.api.EventList;
import dev.rekey.api.WebhookCreateRequest;
import dev.rekey.api.WebhookList;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.Webhook;
import dev.rekey.core.webhook.WebhookService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * Webhook subscriptions, their deliveries, and the event log. Subscriptions and events span
 * namespaces, so every route also needs the action granted on namespace {@code *}. The signing
 * secret appears only in the answers to create and rotate-secret.
 */
public final class WebhookEndpoints {
  private final WebhookService webhooks;
  private final EventLog events;
  private final Runnable nudge;

  /** {@code nudge} wakes the delivery worker after a change that made work due. */
  public WebhookEndpoints(WebhookService webhooks, EventLog events, Runnable nudge) {
    this.webhooks = webhooks;
    this.events = events;
    this.nudge = nudge;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/webhooks", Action.WEBHOOK_MANAGE, BLOCKING, this::create);
    r.route(HttpMethod.GET, "/v1/webhooks", Action.WEBHOOK_READ, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/webhooks/:id", Action.WEBHOOK_READ, BLOCKING,
        c -> WebhookViews.webhook(webhooks.get(id(c, Action.WEBHOOK_READ)), null));
    r.route(HttpMethod.DELETE, "/v1/webhooks/:id", Action.WEBHOOK_MANAGE, BLOCKING, c -> {
      webhooks.delete(id(c, Action.WEBHOOK_MANAGE));
      return Reply.noContent();
    });
    r.route(HttpMethod.POST, "/v1/webhooks/:id/rotate-secret", Action.WEBHOOK_MANAGE, BLOCKING, withoutBody(c -> {
      WebhookService.WithSecret rotated = webhooks.rotateSecret(id(c, Action.WEBHOOK_MANAGE));
      return WebhookViews.webhook(rotated.webhook(), rotated.secret());
    }));
    r.route(HttpMethod.POST, "/v1/webhooks/:id/enable", Action.WEBHOOK_MANAGE, BLOCKING,
        withoutBody(c -> WebhookViews.webhook(webhooks.setEnabled(id(c, Action.WEBHOOK_MANAGE), true), null)));
    r.route(HttpMethod.POST, "/v1/webhooks/:id/disable", Action.WEBHOOK_MANAGE, BLOCKING,
        withoutBody(c -> WebhookViews.webhook(webhooks.setEnabled(id(c, Action.WEBHOOK_MANAGE), false), null)));
    r.route(HttpMethod.GET, "/v1/webhooks/:id/deliveries", Action.WEBHOOK_READ, BLOCKING, this::deliveries);
    r.route(HttpMethod.POST, "/v1/webhooks/:id/deliveries/:delivery/redeliver", Action.WEBHOOK_MANAGE, BLOCKING,
        withoutBody(c -> {
          Delivery d = webhooks.redeliver(id(c, Action.WEBHOOK_MANAGE), c.pathParam("delivery"));
          nudge.run();
          return WebhookViews.delivery(d);
        }));
    r.route(HttpMethod.GET, "/v1/events", Action.EVENT_READ, BLOCKING, this::events);
  }

  private Object create(Call c) {
    everyNamespace(c, Action.WEBHOOK_MANAGE);
    WebhookCreateRequest req = c.body(WebhookCreateRequest.class);
    WebhookService.WithSecret created = webhooks.create(req.url(), req.eventTypes(), req.namespace(), req.tags());
    c.auditDetails("{\"webhook_id\":\"" + created.webhook().id() + "\"}");
    return Reply.created(WebhookViews.webhook(created.webhook(), created.secret()));
  }

  private Object list(Call c) {
    everyNamespace(c, Action.WEBHOOK_READ);
    int limit = c.intQuery("limit", 100, 1, WebhookService.MAX_PAGE);
    List<Webhook> page = webhooks.list(c.query("after"), limit);
    String next = page.size() == limit ? page.get(page.size() - 1).id() : null;
    return new WebhookList(page.stream().map(w -> WebhookViews.webhook(w, null)).toList(), next);
  }

  private Object deliveries(Call c) {
    String id = id(c, Action.WEBHOOK_READ);
    int limit = c.intQuery("limit", 100, 1, WebhookService.MAX_PAGE);
    List<Delivery> page = webhooks.deliveries(id, c.query("before"), limit);
    String next = page.size() == limit ? page.get(page.size() - 1).id() : null;
    return new DeliveryList(page.stream().map(WebhookViews::delivery).toList(), next);
  }

  private Object events(Call c) {
    everyNamespace(c, Action.EVENT_READ);
    int limit = c.intQuery("limit", 100, 1, WebhookService.MAX_PAGE);
    String typeName = c.query("type");
    EventType type = typeName == null ? null : WebhookService.eventTypes(List.of(typeName)).iterator().next();
    String before = c.query("before");
    Long beforeSeq = null;
    if (before != null) {
      try {
        beforeSeq = Long.parseLong(before);
      } catch (NumberFormatException e) {
        throw RekeyException.invalid("query parameter 'before' must be an event seq (an integer)");
      }
    }
    List<? extends EventLog.Entry> page = events.recent(beforeSeq, type, limit);
    Long next = page.size() == limit ? page.get(page.size() - 1).seq() : null;
    return new EventList(page.stream().map(WebhookViews::event).toList(), next);
  }

  private static String id(Call c, Action action) {
    everyNamespace(c, action);
    return c.pathParam("id");
  }

  private static void everyNamespace(Call c, Action action) {
    if (!c.principal().may(action, null, null)) {
      throw RekeyException.forbidden(action.wireName() + " needs a grant on every namespace ('*'):"
          + " webhooks and events span namespaces");
    }
  }
}
