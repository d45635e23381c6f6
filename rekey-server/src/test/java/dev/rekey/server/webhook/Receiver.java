package dev.rekey.server.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server receiving webhooks on loopback. Each path answers by a script: a queue of
 * behaviours ({@code 500}, {@code "sleep"} to outlast the client's timeout, {@code "302 <url>"} to
 * redirect, ...) and then a default.
 */
public final class Receiver implements AutoCloseable {
  /** One request as received: its path, headers (lower-case names) and body. */
  public record Request(String path, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final Map<String, ConcurrentLinkedQueue<String>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicReference<String>> defaults = new java.util.concurrent.ConcurrentHashMap<>();

  public Receiver() throws IOException {
    this("127.0.0.1", 0);
  }

  /** Listening on {@code address} and {@code port} (0: any free one). */
  public Receiver(String address, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      received.add(new Request(path, headers, body));
      ConcurrentLinkedQueue<String> script = scripts.get(path);
      String behaviour = script == null ? null : script.poll();
      if (behaviour == null) {
        behaviour = defaults.getOrDefault(path, new AtomicReference<>("200")).get();
      }
      if (behaviour.equals("sleep")) {
        try {
          Thread.sleep(3_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        behaviour = "200";
      }
      if (behaviour.startsWith("302 ")) {
        exchange.getResponseHeaders().add("location", behaviour.substring(4));
        behaviour = "302";
      }
      byte[] answer = "{\"secret-looking\":\"response body\"}".getBytes();
      exchange.sendResponseHeaders(Integer.parseInt(behaviour), answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers on {@code path}, in order; afterwards the default. */
  public void script(String path, String... behaviours) {
    scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(behaviours));
  }

  public void answerByDefault(String path, String behaviour) {
    defaults.computeIfAbsent(path, p -> new AtomicReference<>()).set(behaviour);
  }

  public List<Request> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Every request received, on any path. */
  public List<Request> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
