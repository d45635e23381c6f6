package dev.rekey.server;

import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.usage.UsageTracker;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.consumer.Consumers;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Json;
import dev.rekey.server.metrics.AuditMetrics;
import dev.rekey.server.metrics.EngineMetrics;
import dev.rekey.server.metrics.Metrics;
import dev.rekey.server.metrics.UsageMetrics;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.server.webhook.WebhookSettings;
import dev.rekey.server.webhook.Webhooks;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Rekey server: the lock on its data directory, storage, root of trust, services, audit
 * log, background tasks and the HTTP listener. {@link #start} wires them in that order and returns
 * once it listens; every component started is recorded on a {@link Shutdown}, so {@link #close} (or
 * a failed start) stops them in reverse order, draining the audit log, and releases the lock last.
 */
public final class RekeyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RekeyServer.class);
  private static final Duration ROTATION_HOOK_TIMEOUT = Duration.ofSeconds(10);
  /** See {@link BackgroundTasks#PLANNER_INTERVAL_PROPERTY}. */
  static final String PLANNER_INTERVAL_PROPERTY = BackgroundTasks.PLANNER_INTERVAL_PROPERTY;

  private final ServerConfig config;
  private final HttpListeners listeners;
  private final RootLifecycle root;
  private final String rootToken;
  private final ApiRouter router;
  private final Webhooks webhooks;
  private final Metrics metrics;
  private final UsageTracker usage;
  private final Shutdown shutdown;

  private RekeyServer(ServerConfig config, ServerServices services, String rootToken, ApiRouter router,
      HttpListeners listeners, Webhooks webhooks, Metrics metrics, Shutdown shutdown) {
    this.config = config;
    this.root = services.root();
    this.usage = services.usage();
    this.rootToken = rootToken;
    this.router = router;
    this.listeners = listeners;
    this.webhooks = webhooks;
    this.metrics = metrics;
    this.shutdown = shutdown;
  }

  /** The native crypto status line; its refusal ({@code required} but unavailable) as an invalid configuration. */
  private static String nativeStatus(CompletableFuture<String> loading) {
    try {
      return loading.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof IllegalArgumentException refused) {
        throw RekeyException.invalid(refused.getMessage());
      }
      throw e;
    }
  }

  public static RekeyServer start(ServerConfig config) {
    return start(config, WebhookSettings.fromEnvironment());
  }

  /** Starts with explicit webhook delivery settings (retry bounds, timeout) instead of the environment's. */
  public static RekeyServer start(ServerConfig config, WebhookSettings webhookSettings) {
    Clock clock = Clock.systemUTC();
    NativeCrypto.checkSetting();
    // before anything in the data directory is read or written: a second server on it stops here
    DataDirectoryLock dataDir = config.dataDir() == null ? null : DataDirectoryLock.acquire(config.dataDir());
    Shutdown shutdown = new Shutdown();
    if (dataDir != null) {
      shutdown.onClose("data directory lock", dataDir::close); // released last
    }
    try {
      // the native provider loads (about 0.4 s) while the store opens and migrates
      CompletableFuture<String> nativeCrypto = CompletableFuture.supplyAsync(NativeCrypto::status);
      Store store = Store.open(StoreConfig.of(config.storage().url(), config.storage().user(),
          config.storage().password()));
      shutdown.onClose("storage", store::close);
      // before anything unseals or resumes: REKEY_NATIVE_CRYPTO=required without the provider stops here
      LOG.info("native crypto: {}", nativeStatus(nativeCrypto));
      // Root of trust and services: nothing runs yet.
      RootOfTrust rootOfTrust = RootOfTrustSetup.open(store, config, clock);
      shutdown.onClose("root of trust", rootOfTrust::seal);
      Metrics metrics = new Metrics();
      shutdown.onClose("metrics", metrics::close);
      HttpWebhookTransport hookTransport = new HttpWebhookTransport(ROTATION_HOOK_TIMEOUT, config.outboundPolicy());
      shutdown.onClose("rotation hook transport", hookTransport::close);
      ServerServices services = ServerServices.create(config, dataDir, store, rootOfTrust, hookTransport, clock);
      UsageMetrics.register(metrics, services.cache(), clock);
      BackgroundTasks.startUsageFlusher(services, config, metrics, shutdown);

      // Webhooks and consumers before unsealing, so that a resumed root key rotation re-wraps their secrets.
      BooleanSupplier unsealed = () -> !services.root().sealed();
      Webhooks webhooks = Webhooks.start(store, rootOfTrust, unsealed, clock, webhookSettings, metrics,
          config.outboundPolicy());
      shutdown.onClose("webhooks", webhooks::close);
      Consumers consumers = Consumers.start(store, rootOfTrust, services.keys(), webhooks, unsealed, clock,
          webhookSettings, config.outboundPolicy());
      shutdown.onClose("consumers", consumers::close);
      consumers.guard(services.secrets());
      String rootToken = RootOfTrustSetup.unseal(config, services.root(), services.tokens());

      Vertx vertx = startVertx(config);
      shutdown.onClose("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      // the audit writer also group-commits secret puts, each with its request's record
      AuditLog audit = AuditLog.start(store.audit(), store.transactions(), () -> signingKey(store, rootOfTrust),
          AuditLogConfig.DEFAULTS, clock);
      shutdown.onClose("audit log", audit::close);
      Json json = new Json();
      ApiRouter router = new ApiRouter(vertx, json, services.tokens(), consumers.observing(audit::submit),
          services.root()::requireUnsealed, config.maxRequestBytes(), clock);
      ApiRoutes.register(router, services,
          new ApiRoutes.Parts(store, rootOfTrust, webhooks, consumers, audit, metrics, json), config, clock);
      EngineMetrics.register(metrics, services.policies(), services.campaigns(), store.consumers(), clock);
      AuditMetrics.register(metrics, audit);

      BackgroundTasks.startTimers(vertx, services);
      BackgroundTasks.startSecretRotation(vertx, store, services, clock, shutdown);
      BackgroundTasks.startRewrap(store, services, clock, shutdown);
      HttpListeners listeners = HttpListeners.listen(vertx, router, config);
      shutdown.onClose("HTTP listeners", listeners::close);
      LOG.info("Rekey listening on {}://{}:{} ({} storage, {} seal, {} event loops on {}; ready {} ms after JVM start)",
          config.tls() == null ? "http" : "https", config.host(), listeners.port(), store.dialect(),
          rootOfTrust.sealType(), config.eventLoops(), vertx.isNativeTransportEnabled() ? "epoll" : "NIO",
          ManagementFactory.getRuntimeMXBean().getUptime());
      BackgroundTasks.startRotationScheduler(services, config, metrics, shutdown);
      return new RekeyServer(config, services, rootToken, router, listeners, webhooks, metrics, shutdown);
    } catch (Exception e) {
      shutdown.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the server could not start: " + e.getMessage(), e);
    } catch (Error e) {
      // an embedding JVM lives on: what started is stopped, and the data directory released
      try {
        shutdown.close();
      } catch (Error second) {
        e.addSuppressed(second);
      }
      throw e;
    }
  }

  /** Native epoll on Linux when its library loads (fewer syscalls per request than NIO); NIO otherwise. */
  private static Vertx startVertx(ServerConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
        .setWorkerPoolSize(Math.max(8, config.eventLoops() * 4)).setPreferNativeTransport(true));
    if (!vertx.isNativeTransportEnabled()) {
      LOG.debug("native transport unavailable, using NIO", vertx.unavailableNativeTransportCause());
    }
    return vertx;
  }

  private static AuditSigningKey signingKey(Store store, RootOfTrust root) {
    return AuditSigningKey.loadOrCreate(store.system(), root);
  }

  public int port() {
    return listeners.port();
  }

  public String url() {
    return (config.tls() == null ? "http" : "https") + "://" + config.host() + ":" + port();
  }

  public RootLifecycle root() {
    return root;
  }

  /** Webhook delivery counts by outcome and lag, for /metrics. */
  public dev.rekey.core.webhook.DeliveryStats webhookStats() {
    return webhooks.stats();
  }

  /** The meters served at {@code /metrics}; services register theirs here (see {@link Metrics}). */
  public Metrics metrics() {
    return metrics;
  }

  /** Usage counts per key version (stored plus not yet flushed); also the core's VersionUsage port. */
  public UsageTracker usage() {
    return usage;
  }

  /** The routes the HTTP API serves, as {@code METHOD /path} with {@code :param} path parameters. */
  public List<String> routes() {
    return router.routes();
  }

  /** What {@code rekey server} prints once it listens. Shows the root token only in dev mode. */
  public String banner() {
    StringBuilder b = new StringBuilder();
    b.append("Rekey server listening on ").append(url()).append('\n');
    if (config.dev()) {
      b.append("\nWARNING: development mode. The root key is a plain file (").append(config.seal().file())
          .append(")\nand data lives in ").append(config.dataDir()).append(". Never use this in production.\n\n");
      b.append("    export REKEY_ADDR=").append(url()).append('\n');
      if (rootToken != null) {
        b.append("    export REKEY_TOKEN=").append(rootToken).append('\n');
      }
    } else if (root.sealed()) {
      b.append("The server is ").append(root.status().initialized() ? "sealed: run 'rekey operator unseal'"
          : "not initialized: run 'rekey operator init'").append('\n');
    }
    return b.toString();
  }

  /** Stops everything in reverse order of start (see {@link Shutdown}), draining the audit log. */
  @Override
  public void close() {
    shutdown.close();
  }
}
