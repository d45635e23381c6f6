package dev.rekey.server.http;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.service.TokenService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Looks up tokens this node has not cached, in the store, on a small pool of their own: a flood of
 * wrong tokens (each one a store read) then waits here instead of filling the worker pool that
 * secret writes, key creation and the other database routes run on. At most {@code maxInFlight}
 * look-ups wait or run at once; past that a request is refused with 429 {@code too_many_requests}
 * before it reaches the store.
 */
final class TokenLookups {
  static final int THREADS = 4;
  static final int MAX_IN_FLIGHT = 256;

  private final TokenService tokens;
  private final WorkerExecutor pool;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  TokenLookups(Vertx vertx, TokenService tokens) {
    this(vertx, tokens, THREADS, MAX_IN_FLIGHT);
  }

  TokenLookups(Vertx vertx, TokenService tokens, int threads, int maxInFlight) {
    this.tokens = tokens;
    this.pool = vertx.createSharedWorkerExecutor("rekey-token-lookup", threads);
    this.maxInFlight = maxInFlight;
  }

  /** The token's principal, or a failed future (UNAUTHENTICATED, TOO_MANY_REQUESTS, or the store's failure). */
  Future<Principal> authenticate(String token) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Future.failedFuture(new RekeyException(ErrorCode.TOO_MANY_REQUESTS,
          "too many token look-ups are waiting on this node; retry shortly"));
    }
    return pool.<Principal>executeBlocking(() -> tokens.authenticate(token), false)
        .andThen(ar -> inFlight.decrementAndGet());
  }

  int inFlight() {
    return inFlight.get();
  }
}
