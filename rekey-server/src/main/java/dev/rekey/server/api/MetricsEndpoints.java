package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.core.auth.Action;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.RawText;
import dev.rekey.server.metrics.Metrics;
import io.vertx.core.http.HttpMethod;

/**
 * {@code GET /metrics} in the Prometheus text format. Like Vault's {@code unauthenticated_metrics_access},
 * it needs a token allowed {@code metrics.read} (admin, auditor) unless the configuration opens it;
 * an open scrape is not audited (a scraper would fill the trail), an authenticated one is.
 * Served even while sealed when open, so that a sealed node can still be monitored.
 */
public final class MetricsEndpoints {
  public static final String PATH = "/metrics";
  private final Metrics metrics;
  private final boolean unauthenticated;

  public MetricsEndpoints(Metrics metrics, boolean unauthenticated) {
    this.metrics = metrics;
    this.unauthenticated = unauthenticated;
  }

  public void register(ApiRouter r) {
    if (unauthenticated) {
      r.publicRoute(HttpMethod.GET, PATH, "sys.metrics", false, BLOCKING, c -> scrape());
    } else {
      r.route(HttpMethod.GET, PATH, Action.METRICS_READ, BLOCKING, c -> scrape());
    }
  }

  private RawText scrape() {
    return new RawText(Metrics.contentType(), metrics.scrape());
  }
}
