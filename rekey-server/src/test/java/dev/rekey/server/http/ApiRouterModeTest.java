package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.service.TokenService;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HandlerMode}: a route on the event loop while its probe says the request can be served
 * from memory, on a worker otherwise, which loads first (so a cache reload never waits for the store
 * on an event loop).
 */
class ApiRouterModeTest {
  private final Vertx vertx = Vertx.vertx();
  private final java.util.List<String> loaded = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Store store;

  @AfterEach
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    if (store != null) {
      store.close();
    }
  }

  @Test
  void eventLoopWhen_runsOnTheEventLoopWhileInMemory_andOnAWorkerOtherwise(@TempDir Path dir) throws Exception {
    store = Store.open(StoreConfig.of("jdbc:sqlite:" + dir.resolve("t.db"), null, null));
    TokenService tokens = new TokenService(store.tokens(), Clock.systemUTC(), Duration.ZERO);
    ApiRouter router = new ApiRouter(vertx, new Json(), tokens, new TokenLookups(vertx, tokens),
        e -> CompletableFuture.completedFuture(null), () -> { }, 1024, Clock.systemUTC());
    HandlerMode warmOnly = HandlerMode.eventLoopWhen(c -> c.pathParam("name").startsWith("warm"), c -> loaded.add(c.pathParam("name")));
    router.publicRoute(HttpMethod.GET, "/t/:name", "test.read", false, warmOnly,
        c -> Map.of("thread", Thread.currentThread().getName()));
    router.publicRoute(HttpMethod.GET, "/loop/:name", "test.read", false, HandlerMode.EVENT_LOOP,
        c -> Map.of("thread", Thread.currentThread().getName()));
    router.publicRoute(HttpMethod.GET, "/worker/:name", "test.read", false, HandlerMode.BLOCKING,
        c -> Map.of("thread", Thread.currentThread().getName()));
    HttpServer server = vertx.createHttpServer().requestHandler(router::accept)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    java.util.function.Function<String, String> get = path -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };

    assertThat(get.apply("/t/warm-key")).contains("vert.x-eventloop-thread");
    assertThat(get.apply("/t/cold-key")).contains("vert.x-worker-thread");
    assertThat(get.apply("/loop/any")).contains("vert.x-eventloop-thread");
    assertThat(get.apply("/worker/any")).contains("vert.x-worker-thread");
    assertThat(loaded).as("what a worker loads before the handler runs").containsExactly("cold-key");
  }

  @Test
  void aStageIsAnswered_whenItCompletes_fromTheEventLoop_aWorker_orWorkHandedToAWorker(@TempDir Path dir)
      throws Exception {
    store = Store.open(StoreConfig.of("jdbc:sqlite:" + dir.resolve("t.db"), null, null));
    TokenService tokens = new TokenService(store.tokens(), Clock.systemUTC(), Duration.ZERO);
    ApiRouter router = new ApiRouter(vertx, new Json(), tokens, new TokenLookups(vertx, tokens),
        e -> CompletableFuture.completedFuture(null), () -> { }, 1024, Clock.systemUTC());
    java.util.concurrent.CompletableFuture<String> later = new java.util.concurrent.CompletableFuture<>();
    router.publicRoute(HttpMethod.GET, "/later/:name", "test.read", false, HandlerMode.EVENT_LOOP,
        c -> later.thenApply(v -> Map.of("value", v)));
    router.publicRoute(HttpMethod.GET, "/blocking-later/:name", "test.read", false, HandlerMode.BLOCKING,
        c -> CompletableFuture.supplyAsync(() -> Map.of("value", "async")));
    router.publicRoute(HttpMethod.GET, "/handed/:name", "test.read", false, HandlerMode.EVENT_LOOP,
        c -> c.onWorker(() -> Thread.currentThread().getName()).thenApply(t -> Map.of("worker", t)));
    router.publicRoute(HttpMethod.GET, "/handed-fails/:name", "test.read", false, HandlerMode.EVENT_LOOP,
        c -> c.onWorker(() -> {
          throw dev.rekey.core.RekeyException.invalid("refused on the worker");
        }));
    HttpServer server = vertx.createHttpServer().requestHandler(router::accept)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    java.util.function.Function<String, HttpResponse<String>> get = path -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };

    CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> get.apply("/later/x"));
    Thread.sleep(200);
    assertThat(pending).as("answered only once the stage completes").isNotDone();
    later.complete("done");
    assertThat(pending.get(10, TimeUnit.SECONDS).body()).contains("\"value\":\"done\"");
    assertThat(get.apply("/blocking-later/x").body()).contains("\"value\":\"async\"");
    assertThat(get.apply("/handed/x").body()).contains("vert.x-worker-thread");
    HttpResponse<String> refused = get.apply("/handed-fails/x");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("invalid_request").contains("refused on the worker");
  }

  @Test
  void aHandlerThatWouldReadTheStoreOnTheEventLoop_runsAgainOnAWorker_answeredAndAuditedOnce(@TempDir Path dir)
      throws Exception {
    store = Store.open(StoreConfig.of("jdbc:sqlite:" + dir.resolve("t.db"), null, null));
    TokenService tokens = new TokenService(store.tokens(), Clock.systemUTC(), Duration.ZERO);
    java.util.List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    ApiRouter router = new ApiRouter(vertx, new Json(), tokens, new TokenLookups(vertx, tokens), e -> {
      audited.add(e.action() + " " + e.outcome());
      return CompletableFuture.completedFuture(null);
    }, () -> { }, 1024, Clock.systemUTC());
    router.publicRoute(HttpMethod.GET, "/reload/:name", "test.read", true, HandlerMode.EVENT_LOOP, c -> {
      ran.add(Thread.currentThread().getName());
      if (io.vertx.core.Context.isOnEventLoopThread()) {
        throw new dev.rekey.core.service.NeedsStore("key 'x'");
      }
      return Map.of("thread", Thread.currentThread().getName());
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router::accept)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.actualPort() + "/reload/x")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("vert.x-worker-thread");
    assertThat(ran).hasSize(2).first().asString().contains("vert.x-eventloop-thread");
    assertThat(audited).containsExactly("test.read allowed");
  }
}
