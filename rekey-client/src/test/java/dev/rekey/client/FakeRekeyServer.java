package dev.rekey.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on a random loopback port that answers canned JSON per "METHOD /path"
 * (path with query) and records every request. A fake, not a mock: tests read what was sent.
 */
public final class FakeRekeyServer implements AutoCloseable {
  /** One received request. */
  public record Request(String method, String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** A canned answer. */
  public record Reply(int status, String body, Map<String, String> headers) {
    public Reply(int status, String body) {
      this(status, body, Map.of());
    }
  }

  private final HttpServer server;
  private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  public FakeRekeyServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} with a fixed status and body ({@code null} body: empty). */
  public FakeRekeyServer on(String method, String path, int status, String body) {
    return on(method, path, r -> new Reply(status, body));
  }

  public FakeRekeyServer on(String method, String path, Function<Request, Reply> handler) {
    routes.put(method + " " + path, handler);
    return this;
  }

  public List<Request> requests() {
    return requests;
  }

  public Request lastRequest() {
    return requests.get(requests.size() - 1);
  }

  /** How many requests reached {@code method path}. */
  public int count(String method, String path) {
    AtomicInteger n = counts.get(method + " " + path);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
    Request request = new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body);
    requests.add(request);
    String route = request.method() + " " + path;
    counts.computeIfAbsent(route, k -> new AtomicInteger()).incrementAndGet();
    Function<Request, Reply> handler = routes.get(route);
    Reply reply = handler == null
        ? new Reply(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no route " + route + "\"}}")
        : handler.apply(request);
    exchange.getResponseHeaders().add("X-Request-Id", "req-" + requests.size());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    if (reply.body() == null || reply.status() == 204) {
      exchange.sendResponseHeaders(reply.status(), -1);
    } else {
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
