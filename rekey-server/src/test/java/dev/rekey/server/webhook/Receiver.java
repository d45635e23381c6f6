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
 * behaviours ({@code 500}, {@code "sleep"} to outlast the client's timeout, ...) and then a default.
 */
final class Receiver implements AutoCloseable {
  /** One request as received: its path, headers (lower-case names) and body. */
  record Request(String path, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final Map<String, ConcurrentLinkedQueue<String>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicReference<String>> defaults = new java.util.concurrent.ConcurrentHashMap<>();

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
      byte[] answer = "{\"secret-looking\":\"response body\"}".getBytes();
      exchange.sendResponseHeaders(Integer.parseInt(behaviour), answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers on {@code path}, in order; afterwards the default. */
  void script(String path, String... behaviours) {
    scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(behaviours));
  }

  void answerByDefault(String path, String behaviour) {
    defaults.computeIfAbsent(path, p -> new AtomicReference<>()).set(behaviour);
  }

  List<Request> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
