package dev.rekey.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.ErrorBody;
import dev.rekey.api.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * One HTTP exchange with the server: headers, JSON bodies and the mapping of error bodies to
 * {@link RekeyClientException}. Thread-safe and shared by every {@link RekeyClient} view.
 */
final class Transport {
  /** An answer: status, body text (empty for 204) and the server's request id. */
  record Result(int status, String body, String requestId) {}

  private final HttpClient http;
  private final String base;
  private final String token;
  private final Duration timeout;
  private final ObjectMapper mapper;
  private final int maxRetries;
  /** Sent as {@code X-Rekey-Approval} on every request, or null. */
  private final String approval;

  /** The longest Retry-After the client waits for; a server asking for longer gets its 429 back to the caller. */
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(10);

  /**
   * @param maxRetries how often a request the server refused with 429 (it did not run it) is sent
   *     again, after the server's {@code Retry-After} or, without one, a short growing pause
   */
  Transport(HttpClient http, String base, String token, Duration timeout, ObjectMapper mapper, int maxRetries) {
    this(http, base, token, timeout, mapper, maxRetries, null);
  }

  private Transport(HttpClient http, String base, String token, Duration timeout, ObjectMapper mapper, int maxRetries,
      String approval) {
    this.http = http;
    String b = base;
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1); // http://host:8200// is the server's root too
    }
    this.base = b;
    this.token = token;
    this.timeout = timeout;
    this.mapper = mapper;
    this.maxRetries = maxRetries;
    this.approval = approval;
  }

  /** This transport sending {@code approvalId} as header {@code X-Rekey-Approval} (null: none). */
  Transport withApproval(String approvalId) {
    return new Transport(http, base, token, timeout, mapper, maxRetries, approvalId);
  }

  ObjectMapper mapper() {
    return mapper;
  }

  String base() {
    return base;
  }

  /** Sends the request and returns any answer; only failures to get an answer throw. */
  Result exchange(String method, String path, String namespace, Object body) {
    return exchange(method, path, namespace, body, true);
  }

  /**
   * As {@link #exchange(String, String, String, Object)}; with {@code authenticated} false the
   * token is not sent, nor the namespace header (public endpoints carry the namespace in the path).
   */
  Result exchange(String method, String path, String namespace, Object body, boolean authenticated) {
    HttpRequest request = request(method, path, namespace, body, authenticated);
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> response = sendOnce(request);
      Duration wait = attempt < maxRetries && response.statusCode() == 429 ? retryWait(response, attempt) : null;
      if (wait == null) {
        return new Result(response.statusCode(), response.body(),
            response.headers().firstValue(ApiPaths.HEADER_REQUEST_ID).orElse(null));
      }
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RekeyConnectionException(RekeyConnectionException.CONNECTION_FAILED,
            "interrupted while waiting to retry " + base, e);
      }
    }
  }

  /** The server's Retry-After (whole seconds), else 100 ms doubling per attempt with jitter; null: do not retry. */
  static Duration retryWait(HttpResponse<?> response, int attempt) {
    String header = response.headers().firstValue("Retry-After").orElse(null);
    if (header != null) {
      try {
        long seconds = Long.parseLong(header.trim());
        return seconds < 0 || seconds > MAX_RETRY_WAIT.toSeconds() ? null : Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        return null; // an HTTP date, or garbage: the caller decides
      }
    }
    long base = 100L << Math.min(attempt, 6);
    return Duration.ofMillis(base + java.util.concurrent.ThreadLocalRandom.current().nextLong(base));
  }

  private HttpRequest request(String method, String path, String namespace, Object body, boolean authenticated) {
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Accept", "application/json");
    if (authenticated) {
      request.header(ApiPaths.HEADER_NAMESPACE, namespace);
      if (token != null && !token.isEmpty()) {
        request.header("Authorization", "Bearer " + token);
      }
      if (approval != null) {
        request.header(ApiPaths.HEADER_APPROVAL, approval);
      }
    }
    if (body != null) {
      try {
        publisher = HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot serialize " + body.getClass().getSimpleName(), e);
      }
      request.header("Content-Type", "application/json");
    }
    request.method(method, publisher);
    return request.build();
  }

  private HttpResponse<String> sendOnce(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RekeyConnectionException(RekeyConnectionException.TIMEOUT,
          "no answer from " + base + " within " + timeout.toMillis() + " ms", e);
    } catch (ConnectException e) {
      throw new RekeyConnectionException(RekeyConnectionException.CONNECTION_FAILED,
          "cannot connect to " + base, e);
    } catch (IOException e) {
      throw new RekeyConnectionException(RekeyConnectionException.CONNECTION_FAILED,
          "connection to " + base + " failed: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RekeyConnectionException(RekeyConnectionException.CONNECTION_FAILED,
          "interrupted while waiting for " + base, e);
    }
  }

  /** Sends the request and returns the body of a 2xx answer; anything else throws. */
  String send(String method, String path, String namespace, Object body) {
    return send(method, path, namespace, body, true);
  }

  /** As {@link #send(String, String, String, Object)}; see {@link #exchange} for {@code authenticated}. */
  String send(String method, String path, String namespace, Object body, boolean authenticated) {
    Result result = exchange(method, path, namespace, body, authenticated);
    if (result.status() / 100 != 2) {
      throw error(result);
    }
    return result.body() == null ? "" : result.body();
  }

  <T> T read(String json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (IOException e) {
      throw new RekeyClientException(ErrorCode.INTERNAL, ErrorCode.INTERNAL.wire(), 0,
          "unreadable answer from the server (expected " + type.getSimpleName() + ")", null);
    }
  }

  JsonNode readTree(String json) {
    try {
      return json.isEmpty() ? null : mapper.readTree(json);
    } catch (IOException e) {
      throw new RekeyClientException(ErrorCode.INTERNAL, ErrorCode.INTERNAL.wire(), 0,
          "unreadable answer from the server (not JSON)", null);
    }
  }

  /** Maps a non-2xx answer: the error body's code when present, else a code from the status. */
  RekeyClientException error(Result result) {
    String wire = null;
    String message = null;
    dev.rekey.api.ApprovalView approvalView = null;
    try {
      ErrorBody body = result.body() == null || result.body().isEmpty()
          ? null : mapper.readValue(result.body(), ErrorBody.class);
      if (body != null && body.error() != null) {
        wire = body.error().code();
        message = body.error().message();
        approvalView = body.error().approval();
      }
    } catch (IOException | RuntimeException e) {
      // not an error body (a proxy's page, for example): fall back to the status
    }
    if (wire == null) {
      wire = fromStatus(result.status()).wire();
    }
    if (message == null || message.isEmpty()) {
      message = "HTTP " + result.status() + " from " + base;
    }
    return new RekeyClientException(ErrorCode.fromWire(wire), wire, result.status(), message, result.requestId(),
        null, approvalView);
  }

  private static ErrorCode fromStatus(int status) {
    switch (status) {
      case 400: return ErrorCode.INVALID_REQUEST;
      case 401: return ErrorCode.UNAUTHENTICATED;
      case 403: return ErrorCode.FORBIDDEN;
      case 404: return ErrorCode.NOT_FOUND;
      case 405: return ErrorCode.METHOD_NOT_ALLOWED;
      case 413: return ErrorCode.PAYLOAD_TOO_LARGE;
      case 429: return ErrorCode.TOO_MANY_REQUESTS;
      default: return ErrorCode.INTERNAL;
    }
  }
}
