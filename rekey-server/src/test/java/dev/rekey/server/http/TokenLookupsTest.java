package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.port.TokenRepository;
import dev.rekey.core.service.TokenService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenLookupsTest {
  /** A worker pool of two, as many as the look-up threads: look-ups on it would leave it nothing. */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(2));
  private final CountDownLatch storeAnswers = new CountDownLatch(1);
  private final CountDownLatch storeReached = new CountDownLatch(2);

  /** A store that knows no token and answers only once the test lets it: look-ups pile up meanwhile. */
  private final TokenRepository slowStore = new TokenRepository() {
    @Override
    public void insert(TokenRecord token) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<TokenRecord> findByHash(String hash) {
      storeReached.countDown();
      try {
        storeAnswers.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
      return Optional.empty();
    }

    @Override
    public boolean revoke(String id, Instant at) {
      return false;
    }

    @Override
    public List<TokenRecord> list(String afterId, int limit) {
      return List.of();
    }
  };

  @AfterEach
  void close() {
    storeAnswers.countDown();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void lookUpsBeyondTheBound_areRefusedAtOnce_andTheBoundFreesAsLookUpsEnd() throws Exception {
    TokenService tokens = new TokenService(slowStore, Clock.systemUTC(), Duration.ZERO);
    TokenLookups lookups = new TokenLookups(vertx, tokens, 2, 2);

    Future<Principal> first = lookups.authenticate("rk_spray_1");
    Future<Principal> second = lookups.authenticate("rk_spray_2");
    assertThat(storeReached.await(10, TimeUnit.SECONDS)).as("both look-ups reach the store").isTrue();
    Future<Principal> third = lookups.authenticate("rk_spray_3");

    assertThat(third.failed()).as("refused without waiting").isTrue();
    assertThat(third.cause()).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS));
    assertThat(lookups.inFlight()).isEqualTo(2);

    storeAnswers.countDown();
    for (Future<Principal> f : List.of(first, second)) {
      Throwable failure = f.toCompletionStage().toCompletableFuture()
          .handle((p, t) -> t).get(10, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
    assertThat(lookups.inFlight()).isZero();
    Throwable again = lookups.authenticate("rk_spray_4").toCompletionStage().toCompletableFuture()
        .handle((p, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(again).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).as("accepted again once the bound freed").isEqualTo(ErrorCode.UNAUTHENTICATED));
  }

  @Test
  void lookUps_runOffTheSharedWorkerPool() throws Exception {
    TokenService tokens = new TokenService(slowStore, Clock.systemUTC(), Duration.ZERO);
    TokenLookups lookups = new TokenLookups(vertx, tokens, 2, 2);
    lookups.authenticate("rk_a");
    lookups.authenticate("rk_b");
    assertThat(storeReached.await(10, TimeUnit.SECONDS)).isTrue();
    // every look-up thread is stuck in the store; the shared pool still runs other work
    String ran = vertx.executeBlocking(() -> Thread.currentThread().getName(), false)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ran).doesNotContain("rekey-token-lookup");
  }

  /** Through the router and a real HTTP server: the refusal is a 429 with Retry-After, audited. */
  @Test
  void overHttp_aLookUpBeyondTheBound_is429WithRetryAfter_andAudited() throws Exception {
    TokenService tokens = new TokenService(slowStore, Clock.systemUTC(), Duration.ZERO);
    java.util.List<dev.rekey.core.audit.AuditEvent> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
    ApiRouter router = new ApiRouter(vertx, new Json(), tokens, new TokenLookups(vertx, tokens, 1, 1),
        e -> {
          audited.add(e);
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }, () -> { }, 1024, Clock.systemUTC());
    router.route(io.vertx.core.http.HttpMethod.GET, "/v1/keys/:name", dev.rekey.core.auth.Action.KEY_READ,
        HandlerMode.EVENT_LOOP, c -> "unreachable");
    io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(router::accept)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.util.function.Function<String, java.net.http.HttpRequest> get = token -> java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/keys/k"))
        .header("Authorization", "Bearer " + token).build();

    var waiting = http.sendAsync(get.apply("rk_first"), java.net.http.HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (storeReached.getCount() == 2 && System.nanoTime() < deadline) {
      Thread.sleep(10); // until the first look-up holds the one slot
    }
    var refused = http.send(get.apply("rk_second"), java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    assertThat(refused.body()).contains("too_many_requests");
    assertThat(audited).anySatisfy(e -> assertThat(e.errorCode()).isEqualTo("too_many_requests"));

    storeAnswers.countDown();
    var first = waiting.get(10, TimeUnit.SECONDS);
    assertThat(first.statusCode()).isEqualTo(401);
    assertThat(first.headers().firstValue("Retry-After")).as("only a 429 carries it").isEmpty();
  }
}
