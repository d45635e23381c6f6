package dev.rekey.server;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.campaign.RewrapCampaignRunner;
import dev.rekey.core.campaign.RewrapPlanner;
import dev.rekey.core.service.SecretExpiryNotices;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.metrics.MetricNames;
import dev.rekey.server.metrics.Metrics;
import dev.rekey.store.Dialect;
import dev.rekey.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work of one server: keyring refresh, usage counting and flushing, secret rotation,
 * re-wrap campaigns and the rotation scheduler. Each start method records how to stop what it
 * started on the server's {@link Shutdown}.
 */
final class BackgroundTasks {
  private static final Logger LOG = LoggerFactory.getLogger(RekeyServer.class); // the name its lines always had
  /** Another node may rotate the root key: re-read the stored keyring this often. */
  static final Duration KEYRING_REFRESH = Duration.ofSeconds(1);
  private static final Duration SECRET_ROTATION_TICK = Duration.ofSeconds(1);
  private static final Duration USAGE_TICK = Duration.ofMillis(250);
  private static final Duration REWRAP_LEASE = Duration.ofSeconds(30);
  /**
   * How often each node looks for KEKs whose stored DEKs need a re-wrap campaign: system property
   * {@code rekey.rewrap.plannerInterval} (ISO-8601, default PT10S; PT0S turns the planner off, so
   * that campaigns start only on request).
   */
  static final String PLANNER_INTERVAL_PROPERTY = "rekey.rewrap.plannerInterval";

  private BackgroundTasks() {}

  /** Adds usage counts to storage every {@code usage.flushInterval} and once more when stopped. */
  static void startUsageFlusher(ServerServices services, ServerConfig config, Metrics metrics, Shutdown shutdown) {
    io.micrometer.core.instrument.Counter flushFailures = metrics.counter(MetricNames.USAGE_FLUSH_FAILURES,
        "Usage flushes that failed (their counts stay pending and are retried)");
    UsageFlusher flusher = new UsageFlusher(services.usage(), config.usage().flushInterval(),
        flushFailures::increment);
    shutdown.onClose("usage flusher", flusher::close);
  }

  /** Timers on Vert.x (stopped with it): keyring refresh and the coarse usage clock. */
  static void startTimers(Vertx vertx, ServerServices services) {
    RootLifecycle root = services.root();
    vertx.setPeriodic(KEYRING_REFRESH.toMillis(), id -> vertx.executeBlocking(() -> {
      refreshKeyringInBackground(root);
      return null;
    }, false));
    // Counting an operation reads this coarse time instead of the clock (see UsageCounter.tick).
    services.usageCounter().tick();
    vertx.setPeriodic(USAGE_TICK.toMillis(), id -> services.usageCounter().tick());
  }

  /**
   * Ticks due secret rotations and expiry notices while unsealed; the first tick (at start, or once
   * unsealed later) resumes the rotations earlier processes on this data directory left leased.
   */
  static void startSecretRotation(Vertx vertx, Store store, ServerServices services, Clock clock,
      Shutdown shutdown) {
    NodeIdentity node = services.node();
    Runnable recovery = () -> {
      int released = node.releasePrevious(services.secretRotations()::recover);
      if (released > 0) {
        LOG.info("released {} secret rotation lease(s) left by earlier processes on this data directory", released);
      }
    };
    SecretRotationWorker worker = new SecretRotationWorker(vertx, services.secretRotations(),
        new SecretExpiryNotices(store.secrets(), store.transactions(), store.events(), clock), services.root(),
        SECRET_ROTATION_TICK, recovery);
    shutdown.onClose("secret rotation worker", worker::close);
  }

  /**
   * Re-wrap campaigns in the background on a thread of their own. On SQLite this is the only node,
   * so leases left by a previous run (a crash) are void and its campaigns resume at once; on
   * PostgreSQL another node's lease is honoured until it lapses.
   */
  static void startRewrap(Store store, ServerServices services, Clock clock, Shutdown shutdown) {
    if (store.dialect() == Dialect.SQLITE) {
      store.campaigns().releaseAllLeases();
    }
    String owner = "node-" + UUID.randomUUID();
    RewrapCampaignRunner runner = new RewrapCampaignRunner(store.campaigns(), store.deks(), store.transactions(),
        store.events(), services.cache(), clock, REWRAP_LEASE, owner);
    RewrapPlanner planner = new RewrapPlanner(store.deks(), store.campaigns(), services.campaigns(),
        services.cache());
    Duration interval = Duration.parse(System.getProperty(PLANNER_INTERVAL_PROPERTY, "PT10S"));
    RewrapWorker worker = new RewrapWorker(runner, interval.isZero() || interval.isNegative() ? null : planner,
        services.root()::sealed, interval, Duration.ofSeconds(1));
    worker.start();
    shutdown.onClose("re-wrap worker", worker::close);
  }

  /** Ticks the key rotation scheduler while unsealed. */
  static void startRotationScheduler(ServerServices services, ServerConfig config, Metrics metrics,
      Shutdown shutdown) {
    RotationTicker ticker = new RotationTicker(services.scheduler(), config.schedulerInterval(),
        services.root()::sealed, metrics);
    shutdown.onClose("rotation scheduler", ticker::close);
  }

  /** Another node may rotate the root key: re-read the stored keyring, unless sealed. */
  static void refreshKeyringInBackground(RootLifecycle root) {
    if (root.sealed()) {
      return;
    }
    try {
      root.root().refresh();
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.SEALED) { // sealed meanwhile, or a stored keyring the root of trust logged once
        LOG.warn("could not refresh the root keyring: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.warn("could not refresh the root keyring: {}", e.getMessage());
    }
  }
}
