package dev.rekey.server;

import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.policy.PolicyService;
import dev.rekey.core.policy.RotationScheduler;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import dev.rekey.core.root.FileSeal;
import dev.rekey.core.root.Pkcs11Config;
import dev.rekey.core.root.Pkcs11Seal;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.root.Seal;
import dev.rekey.core.root.ShamirSeal;
import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignRunner;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.campaign.RewrapPlanner;
import dev.rekey.core.dek.DekService;
import dev.rekey.core.service.CryptoService;
import dev.rekey.core.service.JwtService;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyExportService;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretCache;
import dev.rekey.core.service.SecretExpiryNotices;
import dev.rekey.core.service.SecretRotationService;
import dev.rekey.core.service.GroupCommit;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.secret.rotation.DualKeyRotator;
import dev.rekey.core.secret.rotation.GeneratedRotator;
import dev.rekey.core.secret.rotation.WebhookHmacRotator;
import dev.rekey.server.rotators.ExternalHookRotator;
import dev.rekey.server.rotators.PostgresRotator;
import dev.rekey.server.webhook.JdkWebhookTransport;
import dev.rekey.server.consumer.Consumers;
import dev.rekey.core.service.SigningService;
import dev.rekey.core.service.TokenService;
import dev.rekey.core.usage.UsageCounter;
import dev.rekey.core.usage.UsageTracker;
import dev.rekey.server.api.AuditEndpoints;
import dev.rekey.server.api.CampaignEndpoints;
import dev.rekey.server.api.DekEndpoints;
import dev.rekey.server.api.CryptoEndpoints;
import dev.rekey.server.api.JwtEndpoints;
import dev.rekey.server.api.KeyEndpoints;
import dev.rekey.server.api.MetricsEndpoints;
import dev.rekey.server.api.OpenApiDocument;
import dev.rekey.server.api.SecretEndpoints;
import dev.rekey.server.api.PolicyEndpoints;
import dev.rekey.server.api.SigningEndpoints;
import dev.rekey.server.api.SystemEndpoints;
import dev.rekey.server.api.TokenEndpoints;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Json;
import dev.rekey.server.webhook.WebhookSettings;
import dev.rekey.server.webhook.Webhooks;
import dev.rekey.server.metrics.MetricNames;
import dev.rekey.server.metrics.AuditMetrics;
import dev.rekey.server.metrics.EngineMetrics;
import dev.rekey.server.metrics.Metrics;
import dev.rekey.server.metrics.UsageMetrics;
import dev.rekey.store.Dialect;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Rekey server: storage, root of trust, services, audit log and the HTTP listener.
 * {@link #start} returns once it listens; {@link #close} stops it in reverse order, draining the
 * audit log.
 */
public final class RekeyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RekeyServer.class);
  private static final Duration KEYRING_REFRESH = Duration.ofSeconds(1);
  private static final Duration SECRET_ROTATION_TICK = Duration.ofSeconds(1);
  private static final Duration ROTATION_HOOK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration USAGE_TICK = Duration.ofMillis(250);
  private static final Duration REWRAP_LEASE = Duration.ofSeconds(30);
  /**
   * How often each node looks for KEKs whose stored DEKs need a re-wrap campaign: system property
   * {@code rekey.rewrap.plannerInterval} (ISO-8601, default PT10S; PT0S turns the planner off, so
   * that campaigns start only on request).
   */
  static final String PLANNER_INTERVAL_PROPERTY = "rekey.rewrap.plannerInterval";

  private final ServerConfig config;
  private final Store store;
  private final AuditLog audit;
  private final Vertx vertx;
  private final Listeners listeners;
  private final RootLifecycle root;
  private final String rootToken;
  private final ApiRouter router;
  private final SecretRotationWorker secretWorker;
  private final JdkWebhookTransport hookTransport;
  private Webhooks webhooks;
  private final Metrics metrics;
  private final UsageTracker usage;
  private final UsageFlusher usageFlusher;
  private RotationTicker rotationTicker;
  private final RewrapWorker rewrap;
  private Consumers consumers;
  private GroupCommit secretWrites;

  private RekeyServer(ServerConfig config, Store store, AuditLog audit, Vertx vertx, Listeners listeners,
      RootLifecycle root, String rootToken, ApiRouter router, SecretRotationWorker secretWorker,
      JdkWebhookTransport hookTransport, Metrics metrics, UsageTracker usage, UsageFlusher usageFlusher,
      RewrapWorker rewrap) {
    this.config = config;
    this.store = store;
    this.audit = audit;
    this.vertx = vertx;
    this.listeners = listeners;
    this.root = root;
    this.rootToken = rootToken;
    this.router = router;
    this.secretWorker = secretWorker;
    this.hookTransport = hookTransport;
    this.metrics = metrics;
    this.usage = usage;
    this.usageFlusher = usageFlusher;
    this.rewrap = rewrap;
  }

  public static RekeyServer start(ServerConfig config) {
    return start(config, WebhookSettings.fromEnvironment());
  }

  /** Starts with explicit webhook delivery settings (retry bounds, timeout) instead of the environment's. */
  public static RekeyServer start(ServerConfig config, WebhookSettings webhookSettings) {
    Clock clock = Clock.systemUTC();
    Store store = Store.open(StoreConfig.of(config.storage().url(), config.storage().user(), config.storage().password()));
    Vertx vertx = null;
    AuditLog audit = null;
    SecretRotationWorker secretWorker = null;
    JdkWebhookTransport hookTransport = null;
    Webhooks webhooks = null;
    UsageFlusher usageFlusher = null;
    Metrics metrics = new Metrics();
    RewrapWorker rewrap = null;
    Consumers consumers = null;
    GroupCommit secretWrites = null;
    try {
      Seal seal = openSeal(config);
      RootOfTrust rootOfTrust = new RootOfTrust(store.system(), seal, clock);
      if (store.dialect() == Dialect.POSTGRESQL) {
        // Several nodes may share this database: let them all see a new root generation first.
        rootOfTrust.propagationDelay(KEYRING_REFRESH.multipliedBy(3));
      }
      UsageCounter usageCounter = new UsageCounter(clock);
      KeyCache cache = new KeyCache(store.keys(), rootOfTrust::keyring, config.cacheTtl(), rootOfTrust::refresh,
          usageCounter);
      UsageTracker usage = new UsageTracker(usageCounter, store.usage());
      UsageMetrics.register(metrics, cache, clock);
      KeyService keys = new KeyService(store.keys(), store.transactions(), store.events(), rootOfTrust::keyring, cache, clock, config.minimumDestroyWait(),
          store.storedDekVersions());
      TokenService tokens = new TokenService(store.tokens(), clock, Duration.ofSeconds(5));
      RootLifecycle root = new RootLifecycle(rootOfTrust, tokens, cache, List.of(store.keys(), store.secrets()));
      webhooks = Webhooks.start(store, rootOfTrust, () -> !root.sealed(), clock, webhookSettings, metrics);
      consumers = Consumers.start(store, rootOfTrust, keys, webhooks, () -> !root.sealed(), clock, webhookSettings);

      String rootToken = null;
      if (config.dev()) {
        if (!rootOfTrust.status().initialized()) {
          RootLifecycle.Initialized init = root.init(null, null);
          rootToken = config.devRootToken() == null ? init.rootToken() : null;
        }
        root.autoUnsealIfPossible();
        if (config.devRootToken() != null) {
          tokens.ensure(config.devRootToken(), "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
          rootToken = config.devRootToken();
        } else if (rootToken == null) {
          rootToken = tokens.create("root", List.of(Grant.everywhere(Role.ADMIN)), null, "dev").token();
        }
      } else {
        root.autoUnsealIfPossible();
      }

      audit = AuditLog.start(store.audit(), () -> signingKey(store, rootOfTrust), AuditLogConfig.DEFAULTS, clock);
      AuditLog auditLog = audit;
      Json json = new Json();
      // Native epoll on Linux when its library loads (fewer syscalls per request than NIO); NIO otherwise.
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
          .setWorkerPoolSize(Math.max(8, config.eventLoops() * 4)).setPreferNativeTransport(true));
      if (!vertx.isNativeTransportEnabled()) {
        LOG.debug("native transport unavailable, using NIO", vertx.unavailableNativeTransportCause());
      }
      ApiRouter router = new ApiRouter(vertx, json, tokens, consumers.observing(auditLog::submit), root::requireUnsealed,
          config.maxRequestBytes(), clock);
      // The router tries routes in order: the hot cryptographic ones first.
      new CryptoEndpoints(new CryptoService(cache)).register(router);
      new SigningEndpoints(new SigningService(cache, clock, config.jwksOverlap()), keys, json).register(router);
      new JwtEndpoints(new JwtService(new SigningService(cache, clock, config.jwksOverlap()), clock)).register(router);
      new SystemEndpoints(root).register(router);
      new TokenEndpoints(tokens).register(router);
      new KeyEndpoints(keys, new KeyExportService(store.keys(), rootOfTrust::keyring, config.keyExportEnabled()),
          usage).register(router);
      hookTransport = new JdkWebhookTransport(ROTATION_HOOK_TIMEOUT);
      SecretService secrets = new SecretService(store.secrets(), store.transactions(), store.events(),
          rootOfTrust::keyring, clock, config.minimumDestroyWait(),
          new SecretCache(store.secrets(), rootOfTrust::keyring, config.cacheTtl()));
      root.alsoClear(secrets::clearCache);
      consumers.guard(secrets);
      SecretRotationService secretRotations = new SecretRotationService(secrets, store.secretRotations(),
          store.transactions(), store.events(), List.of(new GeneratedRotator(), new DualKeyRotator(),
          new WebhookHmacRotator(), new PostgresRotator(), new ExternalHookRotator(hookTransport, clock)), clock,
          nodeId(config));
      secretWrites = GroupCommit.start(store.transactions(), "secrets");
      new SecretEndpoints(secrets, secretRotations, clock, secretWrites).register(router);
      new AuditEndpoints(store.audit(), store.system(), json).register(router);
      webhooks.register(router);
      SchedulerConfig schedulerConfig = SchedulerConfig.defaults(nodeId(config));
      PolicyService policyService = new PolicyService(store.policies(), store.schedules(), store.transactions(), clock,
          schedulerConfig.overdueAfter());
      new PolicyEndpoints(policyService).register(router);
      RotationScheduler scheduler = new RotationScheduler(keys, new RotationScheduler.Stores(store.schedules(),
          store.policies(), store.transactions(), store.events()), usage, clock, schedulerConfig);
      RewrapCampaignService campaigns = new RewrapCampaignService(store.campaigns(), store.deks(), cache, clock,
          RewrapCampaign.DEFAULT_BATCH_SIZE);
      EngineMetrics.register(metrics, policyService, campaigns, store.consumers(), clock);
      AuditMetrics.register(metrics, auditLog);
      new DekEndpoints(new DekService(store.deks(), cache, clock)).register(router);
      new CampaignEndpoints(campaigns).register(router);
      consumers.register(router);
      router.staticRoute("/v1/openapi.json", "application/json", OpenApiDocument.bytes());
      new MetricsEndpoints(metrics, config.usage().metricsUnauthenticated()).register(router);

      Vertx v = vertx;
      v.setPeriodic(KEYRING_REFRESH.toMillis(), id -> v.executeBlocking(() -> {
        refreshKeyringInBackground(root);
        return null;
      }, false));
      // Counting an operation reads this coarse time instead of the clock (see UsageCounter.tick).
      usageCounter.tick();
      v.setPeriodic(USAGE_TICK.toMillis(), id -> usageCounter.tick());

      io.micrometer.core.instrument.Counter flushFailures = metrics.counter(MetricNames.USAGE_FLUSH_FAILURES,
          "Usage flushes that failed (their counts stay pending and are retried)");
      usageFlusher = new UsageFlusher(usage, config.usage().flushInterval(), flushFailures::increment);

      if (!root.sealed()) {
        secretRotations.recover();
      }
      secretWorker = new SecretRotationWorker(vertx, secretRotations,
          new SecretExpiryNotices(store.secrets(), store.transactions(), store.events(), clock), root,
          SECRET_ROTATION_TICK);
      rewrap = startRewrapWorker(store, cache, campaigns, root, clock);
      Listeners listeners = listen(vertx, router, config);
      LOG.info("Rekey listening on {}://{}:{} ({} storage, {} seal, {} event loops on {}; ready {} ms after JVM start)",
          config.tls() == null ? "http" : "https", config.host(), listeners.port(), store.dialect(),
          rootOfTrust.sealType(), config.eventLoops(), vertx.isNativeTransportEnabled() ? "epoll" : "NIO",
          ManagementFactory.getRuntimeMXBean().getUptime());
      RekeyServer server = new RekeyServer(config, store, audit, vertx, listeners, root, rootToken, router,
          secretWorker, hookTransport, metrics, usage, usageFlusher, rewrap);
      server.webhooks = webhooks;
      server.secretWrites = secretWrites;
      server.rotationTicker = new RotationTicker(scheduler, config.schedulerInterval(), root::sealed, metrics);
      server.consumers = consumers;
      return server;
    } catch (Exception e) {
      if (rewrap != null) {
        rewrap.close();
      }
      if (secretWorker != null) {
        secretWorker.close();
      }
      if (hookTransport != null) {
        hookTransport.close();
      }
      if (consumers != null) {
        consumers.close();
      }
      if (webhooks != null) {
        webhooks.close();
      }
      if (vertx != null) {
        vertx.close();
      }
      if (secretWrites != null) {
        secretWrites.close();
      }
      if (usageFlusher != null) {
        usageFlusher.close();
      }
      metrics.close();
      if (audit != null) {
        audit.close();
      }
      store.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the server could not start: " + e.getMessage(), e);
    }
  }

  /**
   * Names this node in leases: its host and data directory, stable across restarts, so a node
   * restarted after a crash releases its own leftover leases at once (see
   * SecretRotationService.recover); other nodes wait for a dead node's leases to expire.
   */
  private static String nodeId(ServerConfig config) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return host + ":" + (config.dataDir() == null ? config.address() : config.dataDir().toAbsolutePath().normalize());
  }

  /**
   * Re-wrap campaigns in the background on a thread of their own. On SQLite this is the only node,
   * so leases left by a previous run (a crash) are void and its campaigns resume at once; on
   * PostgreSQL another node's lease is honoured until it lapses.
   */
  private static RewrapWorker startRewrapWorker(Store store, KeyCache cache, RewrapCampaignService campaigns,
      RootLifecycle root, Clock clock) {
    if (store.dialect() == Dialect.SQLITE) {
      store.campaigns().releaseAllLeases();
    }
    String owner = "node-" + java.util.UUID.randomUUID();
    RewrapCampaignRunner runner = new RewrapCampaignRunner(store.campaigns(), store.deks(), store.transactions(),
        store.events(), cache, clock, REWRAP_LEASE, owner);
    RewrapPlanner planner = new RewrapPlanner(store.deks(), store.campaigns(), campaigns, cache);
    Duration interval = Duration.parse(System.getProperty(PLANNER_INTERVAL_PROPERTY, "PT10S"));
    RewrapWorker worker = new RewrapWorker(runner, interval.isZero() || interval.isNegative() ? null : planner,
        root::sealed, interval, Duration.ofSeconds(1));
    worker.start();
    return worker;
  }

  /** The deployed listeners: undeploying them closes the HTTP servers. */
  private record Listeners(String deploymentId, int port) {}

  /** One HTTP server; deployed once per event loop so that each has its own thread. */
  private static final class Listener extends VerticleBase {
    private final HttpServerOptions options;
    private final ApiRouter router;

    Listener(HttpServerOptions options, ApiRouter router) {
      this.options = options;
      this.router = router;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options).requestHandler(router::accept).listen();
    }
  }

  /**
   * One listener verticle per event loop on one port: each instance runs on its own event loop
   * and Vert.x spreads accepted connections across them. Port 0 picks a free port first (servers
   * on port 0 do not share one socket); a lost race for it is retried.
   */
  private static Listeners listen(Vertx vertx, ApiRouter router, ServerConfig config) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = config.port() == 0 ? freePort(config.host()) : config.port();
      HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port)
          .setCompressionSupported(false).setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
          // No WebSockets here: without compression support Vert.x leaves the WebSocket extension
          // handler out of every connection's pipeline (one handler less per request and response).
          .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
          .setHandle100ContinueAutomatically(true);
      if (config.tls() != null) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(config.tls().certFile().toString()).setKeyPath(config.tls().keyFile().toString()));
      }
      try {
        String id = vertx.deployVerticle(() -> new Listener(options, router),
            new DeploymentOptions().setInstances(config.eventLoops()))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new Listeners(id, port);
      } catch (java.util.concurrent.ExecutionException e) {
        if (config.port() != 0 || attempt >= 5 || !bindFailure(e)) {
          throw e;
        }
      }
    }
  }

  private static boolean bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  /** Another node may rotate the root key: re-read the stored keyring this often. */
  static void refreshKeyringInBackground(RootLifecycle root) {
    if (root.sealed()) {
      return;
    }
    try {
      root.root().refresh();
    } catch (RuntimeException e) {
      LOG.warn("could not refresh the root keyring: {}", e.getMessage());
    }
  }

  private static AuditSigningKey signingKey(Store store, RootOfTrust root) {
    return AuditSigningKey.loadOrCreate(store.system(), root.keyring());
  }

  private static Seal openSeal(ServerConfig config) {
    ServerConfig.SealSettings s = config.seal();
    return switch (s.type()) {
      case "file" -> FileSeal.open(s.file());
      case "shamir" -> new ShamirSeal();
      case "pkcs11" -> Pkcs11Seal.open(Pkcs11Config.builder().library(Path.of(s.library()))
          .slotListIndex(s.slotListIndex()).pin(s.pin() == null ? new char[0] : s.pin().toCharArray())
          .keyLabel(s.keyLabel()).build());
      default -> throw new IllegalArgumentException("unknown seal type " + s.type());
    };
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

  @Override
  public void close() {
    if (rotationTicker != null) {
      rotationTicker.close();
    }
    secretWorker.close();
    rewrap.close();
    try {
      vertx.undeploy(listeners.deploymentId()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("HTTP listeners did not close cleanly: {}", e.toString());
    }
    consumers.close();
    secretWrites.close();
    webhooks.close();
    hookTransport.close();
    audit.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    usageFlusher.close();
    metrics.close();
    root.root().seal();
    store.close();
  }
}
