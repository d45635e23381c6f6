package dev.rekey.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A dev server on a random loopback port in a temporary directory, and a small HTTP client for it. */
final class TestServer implements AutoCloseable {
  static final String ROOT = "test-root-token-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();

  final RekeyServer server;
  final HttpClient client;
  final String base;

  private TestServer(RekeyServer server, HttpClient client) {
    this.server = server;
    this.client = client;
    this.base = server.url();
  }

  static TestServer dev(Path dir) {
    return start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT).withCacheTtl(Duration.ZERO));
  }

  static TestServer start(ServerConfig config) {
    return new TestServer(RekeyServer.start(config), HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build());
  }

  static TestServer wrap(RekeyServer server, HttpClient client) {
    return new TestServer(server, client);
  }

  /** One answer: status, body text and, when the body is JSON, its tree. */
  record Resp(int status, String body, Map<String, String> headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String errorCode() {
      JsonNode n = json().path("error").path("code");
      return n.isMissingNode() ? null : n.asText();
    }

    String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  /** A request builder with the usual headers. */
  final class Req {
    private final String method;
    private final String path;
    private byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    Req(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Req token(String token) {
      if (token != null) {
        headers.put("Authorization", "Bearer " + token);
      }
      return this;
    }

    Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Req namespace(String ns) {
      return header("X-Rekey-Namespace", ns);
    }

    Req json(String text) {
      this.body = text.getBytes(StandardCharsets.UTF_8);
      headers.putIfAbsent("Content-Type", "application/json");
      return this;
    }

    Req json(Object value) {
      try {
        return json(JSON.writeValueAsString(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Req bytes(byte[] raw) {
      this.body = raw;
      return this;
    }

    Resp send() {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      try {
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> h = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(), String.join(",", v)));
        return new Resp(r.statusCode(), r.body(), h);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  Req req(String method, String path) {
    return new Req(method, path);
  }

  Resp get(String path, String token) {
    return req("GET", path).token(token).send();
  }

  Resp post(String path, String token, String json) {
    return req("POST", path).token(token).json(json).send();
  }

  /** Creates a key as root and returns its view. */
  JsonNode createKey(String name, String type) {
    Resp r = post("/v1/keys", ROOT, type == null ? "{\"name\":\"" + name + "\"}"
        : "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}");
    if (r.status() != 201) {
      throw new AssertionError("create " + name + ": " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** Issues a token as root with one grant; returns the token and its id. */
  String[] token(String principal, String role, String namespace, String keys, String ttl) {
    String body = "{\"principal\":\"" + principal + "\",\"grants\":[{\"role\":\"" + role + "\",\"namespace\":\""
        + namespace + "\",\"keys\":\"" + keys + "\"}]" + (ttl == null ? "" : ",\"ttl\":\"" + ttl + "\"") + "}";
    Resp r = post("/v1/auth/tokens", ROOT, body);
    if (r.status() != 201) {
      throw new AssertionError("token " + principal + ": " + r.status() + " " + r.body());
    }
    return new String[] {r.json().get("token").asText(), r.json().get("id").asText()};
  }

  /** The sequence number of the last audit record (0 when none). */
  long lastAuditSeq() {
    long from = 1;
    long last = 0;
    while (true) {
      JsonNode page = get("/v1/audit/records?from=" + from + "&limit=1000", ROOT).json();
      for (JsonNode rec : page.get("records")) {
        last = rec.get("seq").asLong();
      }
      if (!page.hasNonNull("next_from")) {
        return last;
      }
      from = page.get("next_from").asLong();
    }
  }

  /** Audit records with seq greater than {@code after}, excluding the reads of the trail itself made by root here. */
  java.util.List<JsonNode> auditAfter(long after) {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    long from = after + 1;
    while (true) {
      JsonNode page = get("/v1/audit/records?from=" + from + "&limit=1000", ROOT).json();
      for (JsonNode rec : page.get("records")) {
        out.add(rec);
      }
      if (!page.hasNonNull("next_from")) {
        return out;
      }
      from = page.get("next_from").asLong();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
