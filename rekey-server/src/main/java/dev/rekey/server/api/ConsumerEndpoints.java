package dev.rekey.server.api;

import static dev.rekey.server.http.ApiRouter.Mode.BLOCKING;

import dev.rekey.api.BindRequest;
import dev.rekey.api.BindingList;
import dev.rekey.api.ConfirmRequest;
import dev.rekey.api.ConsumerList;
import dev.rekey.api.ConsumerRequest;
import dev.rekey.api.PropagationPolicyView;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consumers, their bindings, confirmations, stale bindings, propagation policies and the rotation
 * drift report. A confirmation is authorized on the key (a consumer needs only its own key grant);
 * the hook signing secret appears only in the answer that generated it.
 */
public final class ConsumerEndpoints {
  private final ConsumerService consumers;

  public ConsumerEndpoints(ConsumerService consumers) {
    this.consumers = consumers;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/consumers", Action.CONSUMER_MANAGE, BLOCKING, this::register);
    r.route(HttpMethod.GET, "/v1/consumers", Action.CONSUMER_READ, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/consumers/:consumer", Action.CONSUMER_READ, BLOCKING, this::show);
    r.route(HttpMethod.PATCH, "/v1/consumers/:consumer", Action.CONSUMER_MANAGE, BLOCKING, this::update);
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      consumers.remove(c.namespace(), c.pathParam("consumer"));
      return Reply.noContent();
    });
    r.route(HttpMethod.POST, "/v1/consumers/:consumer/bindings", Action.CONSUMER_MANAGE, BLOCKING, this::bind);
    r.route(HttpMethod.PUT, "/v1/consumers/:consumer/bindings/:name", Action.CONSUMER_CONFIRM, BLOCKING, this::confirm);
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer/bindings/:name", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      consumers.unbind(c.namespace(), c.pathParam("consumer"), c.keyName());
      return Reply.noContent();
    });
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer/selectors", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      consumers.unbindSelector(c.namespace(), c.pathParam("consumer"), selector(c.query("selector")));
      return Reply.noContent();
    });
    r.route(HttpMethod.GET, "/v1/bindings", Action.CONSUMER_READ, BLOCKING, this::bindings);
    r.route(HttpMethod.GET, "/v1/reports/rotation-drift", Action.CONSUMER_READ, BLOCKING, c -> ConsumerViews.drift(
        consumers.drift(c.namespace(), c.query("key"), c.intQuery("limit", 1000, 1, ConsumerService.MAX_PAGE))));
    r.route(HttpMethod.GET, "/v1/keys/:name/propagation", Action.CONSUMER_READ, BLOCKING,
        c -> ConsumerViews.policy(consumers.policy(c.namespace(), c.keyName())));
    r.route(HttpMethod.PUT, "/v1/keys/:name/propagation", Action.CONSUMER_MANAGE, BLOCKING,
        c -> ConsumerViews.policy(consumers.setPolicy(c.namespace(), c.keyName(), policy(c, c.keyName()))));
    r.route(HttpMethod.GET, "/v1/propagation", Action.CONSUMER_READ, BLOCKING,
        c -> ConsumerViews.policy(consumers.policy(c.namespace(), null)));
    r.route(HttpMethod.PUT, "/v1/propagation", Action.CONSUMER_MANAGE, BLOCKING,
        c -> ConsumerViews.policy(consumers.setPolicy(c.namespace(), null, policy(c, null))));
  }

  private Object register(Call c) {
    ConsumerRequest req = c.body(ConsumerRequest.class);
    ConsumerService.Registered r = consumers.register(c.namespace(), req.name(), req.kind(), req.tags(), req.owner(),
        req.principal(), req.hookUrl());
    c.auditDetails("{\"consumer\":\"" + r.consumer().name() + "\"}");
    return Reply.created(ConsumerViews.consumer(r.consumer(), r.hookSecret(), List.of(), List.of()));
  }

  private Object update(Call c) {
    ConsumerRequest req = c.body(ConsumerRequest.class);
    String name = c.pathParam("consumer");
    ConsumerService.Registered r = consumers.update(c.namespace(), name, req.kind(), req.tags(), req.owner(),
        req.principal(), req.hookUrl(), Boolean.TRUE.equals(req.rotateHookSecret()));
    return ConsumerViews.consumer(r.consumer(), r.hookSecret(), consumers.bindings(c.namespace(), name),
        consumers.selectors(c.namespace(), name));
  }

  private Object show(Call c) {
    String name = c.pathParam("consumer");
    Consumer consumer = consumers.get(c.namespace(), name);
    return ConsumerViews.consumer(consumer, null, consumers.bindings(c.namespace(), name),
        consumers.selectors(c.namespace(), name));
  }

  private Object list(Call c) {
    int limit = c.intQuery("limit", 100, 1, ConsumerService.MAX_PAGE);
    List<Consumer> page = consumers.list(c.namespace(), c.query("after"), limit);
    String next = page.size() == limit ? page.get(page.size() - 1).name() : null;
    return new ConsumerList(page.stream().map(x -> ConsumerViews.consumer(x, null, null, null)).toList(), next);
  }

  private Object bind(Call c) {
    BindRequest req = c.body(BindRequest.class);
    String name = c.pathParam("consumer");
    BindingMode mode = BindingMode.fromWire(req.mode());
    if ((req.key() == null) == (req.selector() == null || req.selector().isEmpty())) {
      throw RekeyException.invalid("give either key or selector");
    }
    if (req.key() != null) {
      c.auditKey(req.key());
      return Reply.created(ConsumerViews.binding(consumers.bind(c.namespace(), name, req.key(), mode, req.version())));
    }
    consumers.bindSelector(c.namespace(), name, req.selector(), mode);
    return Reply.created(new BindingList(consumers.bindings(c.namespace(), name).stream()
        .map(ConsumerViews::binding).toList()));
  }

  private Object confirm(Call c) {
    ConfirmRequest req = c.body(ConfirmRequest.class);
    if (req.version() == null || req.version() < 1) {
      throw RekeyException.invalid("version must be a positive version number");
    }
    c.auditVersion(req.version());
    Binding b = consumers.confirm(c.namespace(), c.pathParam("consumer"), c.keyName(), req.version());
    return ConsumerViews.binding(b);
  }

  private Object bindings(Call c) {
    String state = c.query("state");
    String key = c.query("key");
    int limit = c.intQuery("limit", 1000, 1, ConsumerService.MAX_PAGE);
    if (key != null) {
      List<Binding> page = consumers.bindingsOfKey(c.namespace(), key, c.query("after"), limit);
      return new BindingList(page.stream().filter(b -> state == null || b.state().name().equals(state))
          .map(ConsumerViews::binding).toList());
    }
    BindingState s;
    try {
      s = BindingState.valueOf(state == null ? "STALE" : state);
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("state must be CURRENT, PENDING_UPDATE or STALE");
    }
    boolean everywhere = "true".equals(c.query("all_namespaces"));
    if (everywhere && !c.principal().may(Action.CONSUMER_READ, "*", null)) {
      throw RekeyException.forbidden("reading bindings of every namespace needs consumer.read on namespace '*'");
    }
    return new BindingList(consumers.inState(everywhere ? null : c.namespace(), s, limit).stream()
        .map(ConsumerViews::binding).toList());
  }

  /** The stored policy (or the default) with the request's non-null fields applied. */
  private PropagationPolicy policy(Call c, String key) {
    return merge(c.body(PropagationPolicyView.class), consumers.policy(c.namespace(), key));
  }

  private static PropagationPolicy merge(PropagationPolicyView req, PropagationPolicy current) {
    Duration deadline = PropagationPolicy.duration("deadline", req.deadline());
    Duration quiet = PropagationPolicy.duration("quiet_period", req.quietPeriod());
    return new PropagationPolicy(deadline == null ? current.deadline() : deadline,
        quiet == null ? current.quietPeriod() : quiet,
        req.verifyBeforePromote() == null ? current.verifyBeforePromote() : req.verifyBeforePromote());
  }

  /** {@code k1=v1,k2=v2}. */
  static Map<String, String> selector(String text) {
    if (text == null || text.isBlank()) {
      throw RekeyException.invalid("selector must be tags such as backup-encryption=enabled,env=prod");
    }
    Map<String, String> tags = new TreeMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw RekeyException.invalid("selector must be tags such as backup-encryption=enabled,env=prod");
      }
      tags.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    return tags;
  }
}
