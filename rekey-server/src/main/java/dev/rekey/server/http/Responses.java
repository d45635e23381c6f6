package dev.rekey.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Writes a pipeline's answer: status, request id, body, and the connection's close when asked for. */
final class Responses {
  static final String JSON = "application/json";
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(ApiRouter.REQUEST_ID_HEADER);
  private static final CharSequence JSON_VALUE = HttpHeaders.createOptimized(JSON);
  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence ONE_SECOND = HttpHeaders.createOptimized("1");

  private Responses() {}

  static void send(Exchange ctx, String requestId, int status, byte[] body) {
    send(ctx, requestId, status, body, JSON);
  }

  /** Once per exchange: an answer already ended (or a closed connection) is left as it is. */
  static void send(Exchange ctx, String requestId, int status, byte[] body, String contentType) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(REQUEST_ID, requestId);
    if (status == 429) {
      response.putHeader(RETRY_AFTER, ONE_SECOND); // only a too_many_requests refusal is answered 429
    }
    if (ctx.closeAfterResponse) {
      response.putHeader(HttpHeaders.CONNECTION, CLOSE);
    }
    io.vertx.core.Future<Void> written = body == null ? response.end()
        : response.putHeader(HttpHeaders.CONTENT_TYPE, JSON.equals(contentType) ? JSON_VALUE : contentType)
            .end(Buffer.buffer(body));
    if (ctx.closeAfterResponse) {
      written.onComplete(ar -> LingeringClose.after(ctx.request()));
    }
  }
}
