package dev.rekey.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;

/** One request in the pipeline: the Vert.x request, its route's path parameters and its body. */
final class Exchange {
  final HttpServerRequest request;
  private final Map<String, String> params;
  private Buffer body;
  private boolean grown;
  /** The request was answered before its body was read (too large); ignore the rest of it. */
  boolean refused;
  /** Close the connection once the answer is written. */
  boolean closeAfterResponse;
  /** The route speaks Vault's conventions ({@link ApiRouter.Dialect#VAULT}): headers and error shape. */
  boolean vault;

  Exchange(HttpServerRequest request, Map<String, String> params) {
    this.request = request;
    this.params = params;
  }

  HttpServerRequest request() {
    return request;
  }

  HttpServerResponse response() {
    return request.response();
  }

  /** A percent-decoded path parameter of the route, or null. */
  String pathParam(String name) {
    return params.get(name);
  }

  /** Adds a chunk of the body; false when the body would exceed {@code limit} bytes. */
  boolean append(Buffer chunk, int limit) {
    int size = body == null ? 0 : body.length();
    if (size + chunk.length() > limit) {
      return false;
    }
    if (body == null) {
      body = chunk; // a body that comes in one chunk (the usual case) is kept as it came
    } else {
      if (!grown) {
        body = Buffer.buffer(Math.min(limit, Math.max(4096, 2 * (size + chunk.length())))).appendBuffer(body);
        grown = true;
      }
      body.appendBuffer(chunk);
    }
    return true;
  }

  /** The body as bytes, or null when the request had none. */
  byte[] bodyBytes() {
    return body == null || body.length() == 0 ? null : body.getBytes();
  }
}
