package dev.rekey.server.http;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.Audited;
import dev.rekey.core.auth.Action;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.service.NeedsStore;
import dev.rekey.core.service.TokenService;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every API route goes through one pipeline: request id, namespace, seal check, authentication,
 * authorization, the handler (on the event loop, or on a worker when it touches the database),
 * then one audit record per request, and only when that record is durable the response
 * (fail-closed: if it cannot be written the caller gets 503 audit_unavailable instead).
 *
 * <p>It serves Vert.x core requests directly: a {@link RouteTable} finds the route by path
 * segments, and the body is collected up to the size limit before the pipeline runs.
 */
public final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  public static final String NAMESPACE_HEADER = "X-Rekey-Namespace";
  public static final String TOKEN_HEADER = "X-Rekey-Token";
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final String JSON = Responses.JSON;


  /**
   * The wire conventions of a route: Rekey's own, or HashiCorp Vault's for the transit-compatible
   * routes under {@link VaultDialect#PREFIX} (token in {@code X-Vault-Token}, namespace in
   * {@code X-Vault-Namespace}, errors as {@code {"errors":[...]}}). Same pipeline, same audit.
   */
  public enum Dialect { REKEY, VAULT }

  private final Vertx vertx;
  private final RouteTable<Handler> routes = new RouteTable<>();
  private final Json json;
  private final TokenService tokens;
  private final TokenLookups lookups;
  private final AuditSink audit;
  private final Runnable requireUnsealed;
  private final int maxBodyBytes;
  private final Clock clock;
  private final RequestIds requestIds = new RequestIds();

  /** What a route runs once the body is in. */
  @FunctionalInterface
  private interface Handler {
    void handle(Exchange exchange);
  }

  public ApiRouter(Vertx vertx, Json json, TokenService tokens, AuditSink audit, Runnable requireUnsealed,
      int maxBodyBytes, Clock clock) {
    this(vertx, json, tokens, new TokenLookups(vertx, tokens), audit, requireUnsealed, maxBodyBytes, clock);
  }

  /** With {@code lookups} bounded as a test needs. */
  ApiRouter(Vertx vertx, Json json, TokenService tokens, TokenLookups lookups, AuditSink audit,
      Runnable requireUnsealed, int maxBodyBytes, Clock clock) {
    this.vertx = vertx;
    this.json = json;
    this.tokens = tokens;
    this.lookups = lookups;
    this.audit = audit;
    this.requireUnsealed = requireUnsealed;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  /** The request handler to give an HTTP server. */
  public void accept(HttpServerRequest request) {
    RouteTable.Match<Handler> match = routes.match(request.method(), request.path());
    Exchange exchange = new Exchange(request,
        match instanceof RouteTable.Found<Handler> found ? found.params() : java.util.Map.of());
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && tooLarge(declared)) {
      refuseTooLarge(exchange); // before any 100 Continue: the client never uploads the body
      return;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && expect.equalsIgnoreCase("100-continue") && request.version() == HttpVersion.HTTP_1_1) {
      request.response().writeContinue();
    }
    request.handler(chunk -> {
      if (exchange.refused) {
        return;
      }
      if (!exchange.append(chunk, maxBodyBytes)) {
        refuseTooLarge(exchange);
      }
    });
    request.exceptionHandler(e -> LOG.debug("request failed before it was read whole", e));
    request.endHandler(v -> {
      if (exchange.refused) {
        return;
      }
      try {
        dispatch(exchange, match);
      } catch (RuntimeException e) {
        LOG.error("unhandled failure on {} {}", request.method(), request.path(), e);
        unrouted(exchange, new RekeyException(ErrorCode.INTERNAL, "internal error"));
      }
    });
  }

  /**
   * The handler for a request the HTTP decoder could not read (a request line or headers over the
   * limits, a malformed header, an unknown HTTP version: {@link HttpVersionCheck}): the error
   * contract and an audit record as for any unrouted request, then the connection is closed (the
   * decoder cannot go on). Vert.x's default would answer an empty 414, 431, 400 or 501. The
   * message names the problem, never the request's bytes.
   */
  public void acceptUndecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    String problem = cause instanceof TooLongHttpLineException ? "the request line is too long"
        : cause instanceof TooLongHttpHeaderException ? "the request headers are too large"
        : cause instanceof HttpVersionCheck.Unsupported ? "the HTTP version is not supported; use HTTP/1.1"
        : "the request is not valid HTTP/1.1";
    Exchange exchange = new Exchange(request, java.util.Map.of());
    exchange.refused = true;
    exchange.closeAfterResponse = true;
    unrouted(exchange, RekeyException.invalid(problem));
  }

  private void dispatch(Exchange exchange, RouteTable.Match<Handler> match) {
    if (match instanceof RouteTable.Found<Handler> found) {
      found.handler().handle(exchange);
    } else if (match instanceof RouteTable.MethodNotAllowed<Handler> notAllowed) {
      exchange.response().putHeader("Allow", String.join(", ", notAllowed.allowed()));
      unrouted(exchange, new RekeyException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this endpoint; it allows "
          + String.join(", ", notAllowed.allowed())));
    } else if (match instanceof RouteTable.BadPath<Handler>) {
      unrouted(exchange, RekeyException.invalid("the path is not valid percent-encoding"));
    } else {
      unrouted(exchange, new RekeyException(ErrorCode.NOT_FOUND, "no such endpoint"));
    }
  }

  private boolean tooLarge(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      return false; // Vert.x's HTTP decoder refuses a malformed length itself
    }
  }

  /** 413, audited, then the connection is closed once the client stops sending (a lingering close). */
  private void refuseTooLarge(Exchange exchange) {
    exchange.refused = true;
    exchange.closeAfterResponse = true;
    unrouted(exchange, new RekeyException(ErrorCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than " + maxBodyBytes + " bytes"));
  }

  /** Every route as {@code METHOD /path} with {@code :param} path parameters, in registration order. */
  public List<String> routes() {
    return routes.routes();
  }

  /** A route that needs no token (health, seal status, init, unseal). */
  public void publicRoute(HttpMethod method, String path, String auditName, boolean audited, HandlerMode mode,
      Endpoint endpoint) {
    routes.add(method, path, x -> handle(x, auditName, null, audited, true, mode, endpoint));
  }

  /** A route that needs a token whose grants allow {@code action} on the namespace and key in the path. */
  public void route(HttpMethod method, String path, Action action, HandlerMode mode, Endpoint endpoint) {
    routes.add(method, path, x -> handle(x, action.wireName(), action, true, false, mode, endpoint));
  }

  /** A route as {@link #route(HttpMethod, String, Action, HandlerMode, Endpoint)}, speaking {@code dialect}. */
  public void route(HttpMethod method, String path, Action action, HandlerMode mode, Dialect dialect, Endpoint endpoint) {
    if (dialect == Dialect.REKEY) {
      route(method, path, action, mode, endpoint);
      return;
    }
    routes.add(method, path, x -> {
      x.vault = true;
      handle(x, action.wireName(), action, true, false, mode, endpoint);
    });
  }

  /** A raw route outside the pipeline (static documents). */
  public void staticRoute(String path, String contentType, byte[] content) {
    Buffer body = Buffer.buffer(content);
    routes.add(HttpMethod.GET, path, x -> x.request.response().putHeader("Content-Type", contentType).end(body));
  }

  private void handle(Exchange ctx, String auditName, Action action, boolean audited, boolean allowedSealed,
      HandlerMode mode, Endpoint endpoint) {
    Context context = vertx.getOrCreateContext();
    String requestId = requestIds.of(ctx);
    try {
      if (!allowedSealed) {
        requireUnsealed.run();
      }
      if (action == null) {
        proceed(ctx, context, requestId, auditName, action, audited, mode, endpoint, null);
        return;
      }
      String token = RequestParts.token(ctx);
      Principal cached = tokens.cachedPrincipal(token);
      if (cached != null) {
        proceed(ctx, context, requestId, auditName, action, audited, mode, endpoint, cached);
        return;
      }
      // A token this node has not seen lately is looked up in the store off the event loop (on
      // PostgreSQL that is a network round trip), on a bounded pool of its own (TokenLookups).
      lookups.authenticate(token).onComplete(ar -> {
        if (ar.failed()) {
          finish(ctx, context, requestId, auditName, audited, null, null, null, null, ar.cause());
        } else {
          proceed(ctx, context, requestId, auditName, action, audited, mode, endpoint, ar.result());
        }
      });
    } catch (Throwable t) {
      finish(ctx, context, requestId, auditName, audited, null, null, null, null, t);
    }
  }

  /** Authorizes {@code principal} (null on public routes) and runs the endpoint, on the event loop. */
  private void proceed(Exchange ctx, Context context, String requestId, String auditName, Action action,
      boolean audited, HandlerMode mode, Endpoint endpoint, Principal principal) {
    String namespace = null;
    Call call = null;
    try {
      if (action == null) {
        namespace = RequestParts.namespaceOrNull(ctx);
      } else {
        namespace = RequestParts.namespace(ctx);
        String key = ctx.pathParam("name");
        if (!principal.may(action, namespace, key)) {
          throw RekeyException.forbidden("'" + principal.name() + "' may not " + action.wireName()
              + (action.onKey() ? " on " + namespace + "/" + (key == null ? "*" : key)
              : action.global() ? " (it needs a grant on every namespace and name, '*'/'*')" : ""));
        }
      }
      Principal who = principal;
      String ns = namespace;
      call = new Call(ctx, json, namespace, principal, (self, failure) -> AuditRecords.of(clock, ctx, requestId, auditName, who, ns,
          self, failure == null ? null : Failures.code(failure)), this::onWorker);
      Call running = call;
      LoopInbox inbox = LoopInbox.ofCurrentLoop(context);
      if (!mode.onEventLoop(running)) {
        onWorker(ctx, context, inbox, requestId, auditName, audited, who, ns, running, mode, endpoint);
        return;
      }
      Object result;
      try {
        result = endpoint.handle(running);
      } catch (NeedsStore e) {
        // a cache would have read the store here (a version this node has not seen): nothing was
        // read or changed, so the request runs again on a worker, where it may wait
        onWorker(ctx, context, inbox, requestId, auditName, audited, who, ns, running, mode, endpoint);
        return;
      }
      settle(ctx, context, inbox, requestId, auditName, audited, who, ns, running, result, null);
    } catch (Throwable t) {
      finish(ctx, context, requestId, auditName, audited, principal, namespace, call, null, t);
    }
  }

  /**
   * Runs the endpoint on a worker, which settles the request itself: a stage it returns (a queued
   * group commit) is answered on the event loop once it completes, without first going back there.
   */
  private void onWorker(Exchange ctx, Context context, LoopInbox inbox, String requestId, String auditName,
      boolean audited, Principal principal, String namespace, Call call, HandlerMode mode, Endpoint endpoint) {
    vertx.executeBlocking(() -> {
      Object result = null;
      Throwable failure = null;
      try {
        mode.load(call);
        result = endpoint.handle(call);
      } catch (Throwable t) {
        failure = t;
      }
      settle(ctx, context, inbox, requestId, auditName, audited, principal, namespace, call, result, failure);
      return null;
    }, false);
  }

  private <T> CompletionStage<T> onWorker(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false).toCompletionStage();
  }

  /**
   * Finishes with {@code result} on the request's event loop (from a worker, it is handed back
   * there); a {@link CompletionStage} result (work queued elsewhere, such as a group commit) is
   * answered once it completes, through the loop's {@code inbox} (one wake-up for all the
   * answers of a group commit).
   */
  private void settle(Exchange ctx, Context context, LoopInbox inbox, String requestId, String auditName,
      boolean audited, Principal principal, String namespace, Call call, Object result, Throwable failure) {
    if (failure == null && result instanceof CompletionStage<?> stage) {
      stage.whenComplete((value, error) -> onLoop(context, inbox, () ->
          finish(ctx, context, requestId, auditName, audited, principal, namespace, call, value, error)));
    } else if (Context.isOnEventLoopThread()) {
      finish(ctx, context, requestId, auditName, audited, principal, namespace, call, result, failure);
    } else {
      onLoop(context, inbox, () ->
          finish(ctx, context, requestId, auditName, audited, principal, namespace, call, result, failure));
    }
  }

  private static void onLoop(Context context, LoopInbox inbox, Runnable task) {
    if (inbox != null) {
      inbox.post(task);
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private void finish(Exchange ctx, Context context, String requestId, String auditName, boolean audited,
      Principal principal, String namespace, Call call, Object result, Throwable failure) {
    if (failure == null && result instanceof Audited<?> done) {
      // a write whose audit record committed with it (AuditLog.submitWrite): answer, audit nothing more
      audited = false;
      result = done.value();
      failure = done.failure();
    }
    if (failure == null && result instanceof Rendered later) {
      try {
        result = later.render();
      } catch (RuntimeException e) {
        result = null;
        failure = e;
      }
    }
    int status;
    byte[] body;
    String contentType = JSON;
    ErrorCode error = null;
    if (failure == null) {
      Reply reply = result instanceof Reply r ? r : new Reply(200, result);
      status = reply.status();
      if (reply.body() instanceof RawText text) {
        contentType = text.contentType();
      }
      body = reply.body() == null ? null
          : reply.body() instanceof RawJson raw ? raw.bytes()
          : reply.body() instanceof RawText text ? text.bytes() : json.write(reply.body());
    } else {
      RekeyException e = Failures.asRekeyException(failure, ctx);
      error = e.code();
      status = ctx.vault ? VaultDialect.status(e.code()) : HttpStatus.of(e.code());
      body = Failures.body(json, ctx, e);
    }
    if (!audited) {
      Responses.send(ctx, requestId, status, body, contentType);
      return;
    }
    AuditEvent event = AuditRecords.of(clock, ctx, requestId, auditName, principal, namespace, call, error);
    int finalStatus = status;
    byte[] finalBody = body;
    String finalType = contentType;
    LoopInbox inbox = LoopInbox.ofCurrentLoop(context);
    try {
      audit.record(event).whenComplete((ok, auditFailure) -> onLoop(context, inbox, () -> {
        if (auditFailure != null) {
          LOG.error("audit record could not be written; refusing request {}", requestId);
          Responses.send(ctx, requestId, 503, Failures.body(json, ctx, new RekeyException(ErrorCode.AUDIT_UNAVAILABLE,
              "the audit trail is unavailable; the request was not completed")));
        } else {
          Responses.send(ctx, requestId, finalStatus, finalBody, finalType);
        }
      }));
    } catch (RuntimeException e) {
      LOG.error("audit record could not be queued; refusing request {}", requestId);
      Responses.send(ctx, requestId, 503, Failures.body(json, ctx, new RekeyException(ErrorCode.AUDIT_UNAVAILABLE,
          "the audit trail is unavailable; the request was not completed")));
    }
  }

  private void unrouted(Exchange ctx, RekeyException e) {
    if (ctx.request().path().startsWith(VaultDialect.PREFIX)) {
      ctx.vault = true; // an unknown path or method under the Vault mount still answers in Vault's shape
    }
    Context context = vertx.getOrCreateContext();
    finish(ctx, context, requestIds.of(ctx), "unrouted", true, null, RequestParts.namespaceOrNull(ctx), null,
        null, e);
  }


}
