package dev.rekey.server;

import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HttpVersionCheck;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The deployed HTTP listeners of one server: one per event loop on one port. */
final class HttpListeners {
  private final Vertx vertx;
  private final String deploymentId;
  private final int port;

  private HttpListeners(Vertx vertx, String deploymentId, int port) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.port = port;
  }

  int port() {
    return port;
  }

  /** Undeploys the listeners, which closes their HTTP servers (waits up to 10 s). */
  void close() throws Exception {
    vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

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
      return vertx.createHttpServer(options).connectionHandler(HttpVersionCheck::install)
          .requestHandler(router::accept).invalidRequestHandler(router::acceptUndecodable).listen();
    }
  }

  /**
   * One listener verticle per event loop on one port: each instance runs on its own event loop
   * and Vert.x spreads accepted connections across them. Port 0 picks a free port first (servers
   * on port 0 do not share one socket); a lost race for it is retried.
   */
  static HttpListeners listen(Vertx vertx, ApiRouter router, ServerConfig config) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = config.port() == 0 ? freePort(config.host()) : config.port();
      HttpServerOptions options = options(config, port);
      try {
        String id = vertx.deployVerticle(() -> new Listener(options, router),
            new DeploymentOptions().setInstances(config.eventLoops()))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new HttpListeners(vertx, id, port);
      } catch (ExecutionException e) {
        if (config.port() != 0 || attempt >= 5 || !bindFailure(e)) {
          throw e;
        }
      }
    }
  }

  private static HttpServerOptions options(ServerConfig config, int port) {
    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port)
        .setCompressionSupported(false).setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
        // No WebSockets here: without compression support Vert.x leaves the WebSocket extension
        // handler out of every connection's pipeline (one handler less per request and response).
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        // 100 Continue is sent by the router once the declared size is acceptable, not before a 413.
        .setHandle100ContinueAutomatically(false)
        // HTTP/1.1 only: no cleartext HTTP/2 upgrade (the SDK and CLI speak HTTP/1.1, and a refused
        // body closes the connection, which over HTTP/2 would abort other clients' streams).
        .setHttp2ClearTextEnabled(false);
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certFile().toString()).setKeyPath(config.tls().keyFile().toString()));
    }
    return options;
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
}
