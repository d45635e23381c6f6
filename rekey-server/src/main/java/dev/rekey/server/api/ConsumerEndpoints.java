package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

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
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.key.Names;
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
 * drift report, for bindings to keys and to secrets. A confirmation is authorized on the key or
 * secret in the path (a consumer needs only its own grant on it); the hook signing secret appears
 * only in the answer that generated it.
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
      requireManagesWhatItHolds(c, c.pathParam("consumer"));
      consumers.remove(c.namespace(), c.pathParam("consumer"));
      return Reply.noContent();
    });
    r.route(HttpMethod.POST, "/v1/consumers/:consumer/bindings", Action.CONSUMER_MANAGE, BLOCKING, this::bind);
    r.route(HttpMethod.PUT, "/v1/consumers/:consumer/bindings/:name", Action.CONSUMER_CONFIRM, BLOCKING,
        c -> confirm(c, BindingSubject.Kind.KEY));
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer/bindings/:name", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      consumers.unbind(c.namespace(), c.pathParam("consumer"), c.keyName());
      return Reply.noContent();
    });
    r.route(HttpMethod.PUT, "/v1/consumers/:consumer/secret-bindings/:name", Action.CONSUMER_CONFIRM_SECRET, BLOCKING,
        c -> confirm(c, BindingSubject.Kind.SECRET));
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer/secret-bindings/:name", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      consumers.unbind(c.namespace(), c.pathParam("consumer"), BindingSubject.secret(c.keyName()));
      return Reply.noContent();
    });
    r.route(HttpMethod.DELETE, "/v1/consumers/:consumer/selectors", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      requireEveryKey(c);
      consumers.unbindSelector(c.namespace(), c.pathParam("consumer"), selector(c.query("selector")));
      return Reply.noContent();
    });
    r.route(HttpMethod.GET, "/v1/bindings", Action.CONSUMER_READ, BLOCKING, this::bindings);
    r.route(HttpMethod.GET, "/v1/reports/rotation-drift", Action.CONSUMER_READ, BLOCKING, c -> ConsumerViews.drift(
        consumers.drift(c.namespace(), subject(c), c.intQuery("limit", 1000, 1, ConsumerService.MAX_PAGE)).stream()
            .filter(u -> c.principal().may(Action.CONSUMER_READ, u.namespace(), u.key())).toList()));
    r.route(HttpMethod.GET, "/v1/keys/:name/propagation", Action.CONSUMER_READ, BLOCKING,
        c -> ConsumerViews.policy(consumers.policy(c.namespace(), c.keyName())));
    r.route(HttpMethod.PUT, "/v1/keys/:name/propagation", Action.CONSUMER_MANAGE, BLOCKING,
        c -> ConsumerViews.policy(consumers.setPolicy(c.namespace(), c.keyName(), policy(c, c.keyName()))));
    r.route(HttpMethod.GET, "/v1/propagation", Action.CONSUMER_READ, BLOCKING,
        c -> ConsumerViews.policy(consumers.policy(c.namespace(), null)));
    r.route(HttpMethod.PUT, "/v1/propagation", Action.CONSUMER_MANAGE, BLOCKING, c -> {
      requireEveryKey(c, "set the namespace's propagation policy: it applies to every key without its own");
      return ConsumerViews.policy(consumers.setPolicy(c.namespace(), null, policy(c, null)));
    });
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
    requireManagesWhatItHolds(c, name);
    ConsumerService.Registered r = consumers.update(c.namespace(), name, req.kind(), req.tags(), req.owner(),
        req.principal(), req.hookUrl(), Boolean.TRUE.equals(req.rotateHookSecret()));
    return ConsumerViews.consumer(r.consumer(), r.hookSecret(), readable(c, consumers.bindings(c.namespace(), name)),
        consumers.selectors(c.namespace(), name));
  }

  private Object show(Call c) {
    String name = c.pathParam("consumer");
    Consumer consumer = consumers.get(c.namespace(), name);
    return ConsumerViews.consumer(consumer, null, readable(c, consumers.bindings(c.namespace(), name)),
        consumers.selectors(c.namespace(), name));
  }

  /** Selector bindings concern any key their tags match: only consumer.manage on every key name may change them. */
  private static void requireEveryKey(Call c) {
    requireEveryKey(c, "change selector bindings: they bind any key of " + c.namespace());
  }

  private static void requireEveryKey(Call c, String what) {
    // the name "*" is matched only by a pattern of stars
    if (!c.principal().may(Action.CONSUMER_MANAGE, c.namespace(), "*")) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not " + what
          + ", so it needs consumer.manage on every key ('*')");
    }
  }

  /**
   * Changing or removing a consumer changes it for every key and secret it is bound to (its hook,
   * the bindings that hold back retirement): consumer.manage on each of them is needed, and on every
   * key when it has selector bindings.
   */
  private void requireManagesWhatItHolds(Call c, String consumer) {
    for (Binding b : consumers.bindings(c.namespace(), consumer)) {
      if (!c.principal().may(Action.CONSUMER_MANAGE, c.namespace(), b.subject().name())) {
        throw RekeyException.forbidden("'" + c.principal().name() + "' may not change consumer '" + consumer
            + "': it is bound to '" + b.subject().name() + "', outside the caller's grants");
      }
    }
    if (!consumers.selectors(c.namespace(), consumer).isEmpty()) {
      requireEveryKey(c, "change consumer '" + consumer + "': its selector bindings bind any key of " + c.namespace());
    }
  }

  /** The bindings whose key or secret the caller's grants match (consumer.read on its name). */
  private static List<Binding> readable(Call c, List<Binding> bindings) {
    return bindings.stream().filter(b -> c.principal().may(Action.CONSUMER_READ, b.namespace(), b.subject().name()))
        .toList();
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
    int given = (req.key() == null ? 0 : 1) + (req.secret() == null ? 0 : 1)
        + (req.selector() == null || req.selector().isEmpty() ? 0 : 1);
    if (given != 1) {
      throw RekeyException.invalid("give exactly one of key, secret or selector");
    }
    if (req.key() != null || req.secret() != null) {
      BindingSubject subject = req.key() != null ? BindingSubject.key(Names.keyName(req.key()))
          : BindingSubject.secret(Names.keyName(req.secret()));
      String bound = req.key() != null ? req.key() : req.secret();
      if (!c.principal().may(Action.CONSUMER_MANAGE, c.namespace(), bound)) {
        throw RekeyException.forbidden("'" + c.principal().name() + "' may not consumer.manage on "
            + c.namespace() + "/" + bound);
      }
      c.auditKey(subject.name());
      return Reply.created(ConsumerViews.binding(consumers.bind(c.namespace(), name, subject, mode, req.version())));
    }
    requireEveryKey(c);
    consumers.bindSelector(c.namespace(), name, req.selector(), mode);
    return Reply.created(new BindingList(readable(c, consumers.bindings(c.namespace(), name)).stream()
        .map(ConsumerViews::binding).toList()));
  }

  private Object confirm(Call c, BindingSubject.Kind kind) {
    ConfirmRequest req = c.body(ConfirmRequest.class);
    if (req.version() == null || req.version() < 1) {
      throw RekeyException.invalid("version must be a positive version number");
    }
    c.auditVersion(req.version());
    BindingSubject subject = new BindingSubject(kind, c.keyName());
    Binding b = consumers.confirm(c.namespace(), c.pathParam("consumer"), subject, req.version());
    return ConsumerViews.binding(b);
  }

  private Object bindings(Call c) {
    BindingState state = bindingState(c.query("state"));
    BindingSubject subject = subject(c);
    int limit = c.intQuery("limit", 1000, 1, ConsumerService.MAX_PAGE);
    if (subject != null) {
      return new BindingList(readable(c, consumers.bindingsOf(c.namespace(), subject, state, c.query("after"), limit))
          .stream()
          .map(ConsumerViews::binding).toList());
    }
    BindingState s = state == null ? BindingState.STALE : state;
    boolean everywhere = c.boolQuery("all_namespaces");
    if (everywhere && !c.principal().may(Action.CONSUMER_READ, "*", null)) {
      throw RekeyException.forbidden("reading bindings of every namespace needs consumer.read on namespace '*'");
    }
    return new BindingList(readable(c, consumers.inState(everywhere ? null : c.namespace(), s, limit)).stream()
        .map(ConsumerViews::binding).toList());
  }

  /** The {@code ?state=} filter, or null when absent; any other value than a binding state is a 400. */
  private static BindingState bindingState(String state) {
    if (state == null) {
      return null;
    }
    try {
      return BindingState.valueOf(state);
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("state must be CURRENT, PENDING_UPDATE or STALE");
    }
  }

  /** The key ({@code ?key=}) or secret ({@code ?secret=}) a list is limited to; null for every one. */
  private static BindingSubject subject(Call c) {
    String key = c.query("key");
    String secret = c.query("secret");
    if (key != null && secret != null) {
      throw RekeyException.invalid("give key or secret, not both");
    }
    return key != null ? BindingSubject.key(Names.keyName(key))
        : secret != null ? BindingSubject.secret(Names.keyName(secret)) : null;
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
