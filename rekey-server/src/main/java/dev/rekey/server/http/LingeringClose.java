package dev.rekey.server.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * Closes a connection whose request was answered before its body was read (413), the way web
 * servers do (nginx's lingering close): what the client is still uploading is read and dropped
 * until it has sent the whole body, {@link #MAX_BYTES} more, or {@link #MAX_MILLIS} passed, and
 * only then is the connection closed. Closing at once, with unread bytes in the socket, makes the
 * kernel reset the connection, and a client still writing its body never reads the 413.
 */
final class LingeringClose {
  static final long MAX_BYTES = 64L << 20;
  static final long MAX_MILLIS = 5_000;

  private final HttpServerRequest request;
  private final HttpConnection connection;
  private long dropped;
  private long timer = -1;
  private boolean closed;

  private LingeringClose(HttpServerRequest request) {
    this.request = request;
    this.connection = request.connection();
  }

  /** Call on the request's context once the answer is written. */
  static void after(HttpServerRequest request) {
    new LingeringClose(request).start();
  }

  private void start() {
    Context context = Vertx.currentContext();
    if (request.isEnded() || context == null) {
      close();
      return;
    }
    timer = context.owner().setTimer(MAX_MILLIS, t -> close());
    request.handler(chunk -> {
      dropped += chunk.length();
      if (dropped > MAX_BYTES) {
        close();
      }
    });
    request.endHandler(v -> close());
    request.exceptionHandler(e -> close());
    request.resume();
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (timer >= 0) {
      Vertx.currentContext().owner().cancelTimer(timer);
    }
    connection.close();
  }
}
