package dev.rekey.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.api.ErrorCode;
import dev.rekey.server.api.OpenApiDocument;
import dev.rekey.server.http.HttpStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every route the server registers, as the router lists them ({@link RekeyServer#routes()}),
 * so that a route added later is fuzzed without editing this test. Each route gets, with a fixed
 * seed: random JSON, JSON with the route's own field names (from the OpenAPI document) holding
 * values of the wrong type, random bytes, odd content types, hostile query strings, and path
 * parameters that name existing objects or are malformed. Whatever it gets, the answer is never a
 * 5xx, and every 4xx is the error contract: {@code {"error":{"code","message"}}} with a known code
 * and that code's status ({@code {"errors":[...]}} on the Vault-compatible routes).
 *
 * <p>Requests go over a plain socket: the paths include malformed percent-encoding and raw bytes
 * that {@link java.net.URI} would refuse to build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteFuzzTest {
  static final String ROOT = TestServer.ROOT;
  /** A stored secret value: no answer to a refused request may contain it. */
  static final String SECRET_VALUE = "fz-secret-value-5d1e0c";
  /**
   * Routes that change the whole server for every later request: sealing (everything else then
   * answers 503 sealed) and root rotation (rewraps every key). They are fuzzed last, in
   * {@link #wholeServerRoutes_last}, not excluded.
   */
  static final Set<String> WHOLE_SERVER = Set.of("POST /v1/sys/rotate-root", "POST /v1/sys/seal");
  static final Set<String> CODES = Arrays.stream(ErrorCode.values()).filter(c -> c != ErrorCode.INTERNAL)
      .map(ErrorCode::wire).collect(Collectors.toUnmodifiableSet());
  /** Path parameter values that name nothing valid: traversal, NUL, bad encoding, overlong, odd numbers. */
  static final List<String> MALFORMED = List.of("..", ".", "%2E%2E", "%2e%2e%2f%2e%2e", "%00", "a%00b", "%2F",
      "a%2Fb", "x".repeat(300), "%C3%A9t%C3%A9", "%F0%9F%94%91", "%FF%FE", "%ED%A0%80", "%ZZ", "%", "a%4", "%E2%80%AE",
      "-1", "0", "-0", "00001", "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999999999", "1e3",
      "0x10", "1.5", "%20", "%0A", "%0D%0Aset-cookie:x", "+", "*", "null", "tok_", "dlv_", "%22%3E%3Cx", "caf\u00e9",
      "%25", "%3A", "namespace%3A", "key%3A%2F", "key%3Adefault%2F..", ":id");
  static final List<String> CONTENT_TYPES = List.of("text/plain", "application/x-www-form-urlencoded",
      "application/json; charset=utf-16", "*/*", "application/json, text/plain", "", "application/xml",
      "multipart/form-data; boundary=x", "application/JSON", "application/json;;;");
  static final List<String> NASTY_JSON = List.of("", " ", "{", "}", "[", "{\"a\":", "{\"a\":1,}", "{'a':1}",
      "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "\"\\ud800\"", "{\"\\u0000\":\"\\u0000\"}", "1e400", "-1e400",
      "123456789012345678901234567890", "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(1500) + "1"
      + "}".repeat(1500), "\uFEFF{}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":0x1}", "null", "true",
      "[]", "[{}]", "\"\"", "{\"a\":\"\\x\"}", "{\"a\":1,\"a\":2}", "{\"\":{}}", "/* */ {}", "{\"a\":\"" + "x".repeat(5000)
      + "\"}");
  /** Values of each JSON type that are wrong for a field of another type. */
  static final Map<String, List<String>> WRONG = Map.of(
      "string", List.of("12345", "-1", "1.5", "true", "[]", "{}", "[\"a\"]", "{\"a\":1}", "1e400", "\"\"",
          "\"\\u0000\"", "\"" + "y".repeat(2000) + "\""),
      "integer", List.of("\"1\"", "\"abc\"", "1.5", "1e400", "9223372036854775808", "-9223372036854775809",
          "99999999999999999999999", "-1", "0", "2147483648", "true", "[]", "{}", "\"\"", "-0.0", "1e2"),
      "number", List.of("\"1\"", "true", "[]", "{}", "1e400", "-1e400"),
      "boolean", List.of("\"true\"", "1", "0", "\"yes\"", "[]", "{}", "\"\""),
      "array", List.of("{}", "\"a\"", "1", "[null]", "[1,\"a\",{}]", "[[[]]]", "true", "[" + "1,".repeat(3000) + "1]"),
      "object", List.of("[]", "\"a\"", "1", "{\"a\":{\"b\":[]}}", "{\"\":null}", "true", "{\"a\":\"\\u0000\"}"));

  /** The seed and the number of random requests per route; other values (-Drekey.fuzz.seed=...) dig further. */
  static final long SEED = Long.getLong("rekey.fuzz.seed", 0x5eedL);
  static final int ROUNDS = Integer.getInteger("rekey.fuzz.rounds", 48);

  @TempDir static Path dir;
  static TestServer s;
  static int port;
  static JsonNode doc;
  /** Values that name existing objects, by path parameter name. */
  static final Map<String, List<String>> VALID = new LinkedHashMap<>();
  /** Strings that mean something to the server (ciphertexts, a MAC, a JWT, names). */
  static final List<String> SAMPLES = new ArrayList<>();
  static String auditor;

  /** A route as the router lists it, with what the OpenAPI document says about its body and query. */
  record Route(String method, String template, List<String> params, Map<String, String> fields,
      List<String> allFields, List<String> query, JsonNode schema) {
    boolean vault() {
      return template.startsWith("/v1/transit/");
    }

    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  /** One request as sent, for the report. */
  record Sent(String method, String target, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
      String b = body == null ? "(no body)" : new String(body, UTF_8);
      return method + " " + target + " " + headers + " " + truncate(b, 300);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.dev(dir);
    port = URI.create(s.base).getPort();
    doc = TestServer.JSON.readTree(OpenApiDocument.bytes());
    Map<String, String> keys = Map.of("fz-aes", "aes256-gcm", "fz-mac", "hmac-sha256", "fz-ed", "ed25519",
        "fz-ec", "ecdsa-p256", "fz-rsa", "rsa-pss-2048");
    keys.forEach((name, type) -> s.createKey(name, type));
    expect(s.post("/v1/keys/fz-aes/deks", ROOT, "{\"tenant\":\"acme\"}"), 200, 201);
    expect(s.post("/v1/keys/fz-aes/rotate", ROOT, "{}"), 200, 201);
    String ct = expect(s.post("/v1/keys/fz-aes/encrypt", ROOT, "{\"plaintext\":\"aGk=\"}"), 200).json()
        .get("ciphertext").asText();
    String mac = expect(s.post("/v1/keys/fz-mac/mac", ROOT, "{\"message\":\"aGk=\"}"), 200).json().get("mac").asText();
    String sig = expect(s.post("/v1/keys/fz-ed/sign", ROOT, "{\"message\":\"aGk=\"}"), 200).json()
        .path("signature").asText();
    String jwt = expect(s.post("/v1/keys/fz-ec/jwt", ROOT, "{\"claims\":{\"sub\":\"fz\"},\"ttl\":\"PT1H\"}"), 200)
        .json().path("jwt").asText();
    String vaultCt = expect(s.req("POST", "/v1/transit/encrypt/fz-aes").header("X-Vault-Token", ROOT)
        .json("{\"plaintext\":\"aGk=\"}").send(), 200).json().path("data").path("ciphertext").asText();
    expect(s.req("PUT", "/v1/secrets/fz-secret").token(ROOT).json("{\"value\":\"" + SECRET_VALUE + "\"}").send(), 200, 201);
    expect(s.req("PUT", "/v1/secrets/fz-secret").token(ROOT).json("{\"value\":\"" + SECRET_VALUE + "-2\"}").send(),
        200, 201);
    expect(s.req("PUT", "/v1/secrets/fz-signing").token(ROOT).json("{\"value\":\"hook-signing\"}").send(), 200, 201);
    expect(s.req("PUT", "/v1/secrets/fz-secret/labels/blue").token(ROOT).json("{\"version\":1}").send(), 200, 201);
    expect(s.req("PUT", "/v1/secrets/fz-signing/rotation").token(ROOT).json("{\"rotator\":\"external-hook\","
        + "\"params\":{\"url\":\"https://hook.invalid/rotate\",\"signing_secret\":\"fz-signing\"},\"period\":\"P30D\"}")
        .send(), 200, 201);
    String webhook = expect(s.post("/v1/webhooks", ROOT, "{\"url\":\"https://hook.invalid/\"}"), 200, 201).json()
        .path("id").asText();
    expect(s.post("/v1/consumers", ROOT, "{\"name\":\"fz-app\",\"kind\":\"app\"}"), 200, 201);
    expect(s.post("/v1/consumers/fz-app/bindings", ROOT, "{\"key\":\"fz-aes\"}"), 200, 201);
    expect(s.req("PUT", "/v1/consumers/fz-app/secret-bindings/fz-secret").token(ROOT).json("{\"version\":1}").send(),
        200, 201);
    String campaign = expect(s.post("/v1/rewrap-campaigns", ROOT, "{\"key\":\"fz-aes\",\"delay_ms\":60000}"), 200, 201, 202)
        .json().path("id").asText();
    expect(s.req("PUT", "/v1/policies").token(ROOT)
        .json("{\"policies\":[{\"scope\":\"key:default/fz-mac\",\"rotation_period\":\"P90D\"}]}").send(), 200);
    // an approval to act on: destroying a key version in namespace 'appr' needs one
    expect(s.req("PUT", "/v1/approval-policy").token(ROOT).namespace("appr")
        .json("{\"operations\":[\"key.destroy\",\"secret.destroy\"],\"ttl\":\"PT1H\"}").send(), 200);
    expect(s.req("POST", "/v1/keys").token(ROOT).namespace("appr").json("{\"name\":\"fz-aes\"}").send(), 201);
    TestServer.Resp pending = s.req("POST", "/v1/keys/fz-aes/versions/1/destroy").token(ROOT).namespace("appr").send();
    String approval = pending.json().path("error").path("approval").path("id").asText();
    String[] tokens = {s.token("fz-a", "auditor", "*", "*", "PT1H")[1], s.token("fz-b", "key-officer", "default",
        "*", null)[1]};
    auditor = s.token("fz-auditor", "auditor", "default", "*", null)[0];

    VALID.put("name", List.of("fz-aes", "fz-mac", "fz-ed", "fz-ec", "fz-rsa", "fz-secret", "fz-signing"));
    VALID.put("key", VALID.get("name"));
    VALID.put("consumer", List.of("fz-app"));
    VALID.put("version", List.of("1", "2"));
    VALID.put("action", List.of("promote", "retire", "disable", "enable", "revoke", "schedule-destroy",
        "cancel-destroy", "destroy"));
    VALID.put("label", List.of("blue", "green"));
    VALID.put("tenant", List.of("acme"));
    VALID.put("namespace", List.of("default", "appr"));
    VALID.put("type", List.of("plaintext", "wrapped"));
    VALID.put("scope", List.of("key%3Adefault%2Ffz-mac", "namespace%3Adefault"));
    VALID.put("delivery", List.of("dlv_0", "1"));
    VALID.put("id", nonEmpty(webhook, campaign, approval, tokens[0], tokens[1]));
    SAMPLES.addAll(nonEmpty(ct, vaultCt, mac, sig, jwt, "fz-aes", "fz-secret", "fz-app", "acme", "P30D",
        "https://hook.invalid/x", "key:default/fz-aes", "2030-01-01T00:00:00Z"));
  }

  @AfterAll
  static void stop() {
    if (s != null) {
      s.close();
    }
  }

  @Test
  @Order(1)
  void everyRoute_answersHostileInputWithTheErrorContract() {
    List<Route> routes = routes();
    assertThat(routes).as("routes from the router").hasSizeGreaterThan(100);
    Problems problems = new Problems();
    // DELETE routes last: they remove the objects the other routes' valid path parameters name
    List<Route> ordered = routes.stream().filter(r -> !WHOLE_SERVER.contains(r.toString()))
        .sorted(Comparator.comparing(r -> r.method().equals("DELETE"))).toList();
    for (Route route : ordered) {
      Random r = new Random(SEED ^ route.toString().hashCode());
      FuzzInput in = new FuzzInput(r, route.allFields(), SAMPLES);
      for (int i = 0; i < ROUNDS; i++) {
        Sent sent = request(route, r, in, i);
        problems.check(route, sent, send(sent));
      }
      for (String param : route.params()) {
        for (String bad : MALFORMED) {
          Map<String, String> values = validParams(route, r);
          values.put(param, bad);
          Sent sent = new Sent(route.method(), fill(route, values), headers(route, r, true),
              hasBody(route.method()) ? "{}".getBytes(UTF_8) : null);
          problems.check(route, sent, send(sent));
        }
      }
    }
    problems.assertNone();
    assertThat(s.get("/v1/health", ROOT).status()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void aMethodARouteDoesNotHave_is405() {
    Map<String, Set<String>> methods = new LinkedHashMap<>();
    for (Route route : routes()) {
      methods.computeIfAbsent(route.template(), t -> new TreeSet<>()).add(route.method());
    }
    Random r = new Random(405);
    Problems problems = new Problems();
    for (Route route : routes()) {
      if (!methods.get(route.template()).iterator().next().equals(route.method())) {
        continue; // one probe per template
      }
      for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
        if (methods.get(route.template()).contains(method) || routedElsewhere(method, route.template())) {
          continue;
        }
        Sent sent = new Sent(method, fill(route, validParams(route, r)), headers(route, r, true),
            hasBody(method) ? "{}".getBytes(UTF_8) : null);
        Answer a = send(sent);
        problems.check(new Route(method, route.template(), route.params(), Map.of(), List.of(), List.of(), null), sent, a);
        if (a.status() != 405) {
          problems.add(route.template(), sent, a, "expected 405");
        }
      }
    }
    problems.assertNone();
  }

  /** Whether a route with {@code method} has a template matching {@code template} (a literal where it has a parameter). */
  private static boolean routedElsewhere(String method, String template) {
    String[] path = template.split("/");
    return routes().stream().filter(r -> r.method().equals(method)).anyMatch(r -> {
      String[] t = r.template().split("/");
      if (t.length != path.length) {
        return false;
      }
      for (int i = 0; i < t.length; i++) {
        if (!t[i].startsWith(":") && !t[i].equals(path[i])) {
          return false;
        }
      }
      return true;
    });
  }

  /** Root rotation, then sealing; then every route once more: each answers 503 sealed, or works if public. */
  @Test
  @Order(3)
  void wholeServerRoutes_last() {
    Problems problems = new Problems();
    Map<String, Route> byName = new LinkedHashMap<>();
    routes().forEach(route -> byName.put(route.toString(), route));
    assertThat(byName.keySet()).containsAll(WHOLE_SERVER);
    for (String name : List.of("POST /v1/sys/rotate-root", "POST /v1/sys/seal")) {
      Route route = byName.get(name);
      Random r = new Random(name.hashCode());
      FuzzInput in = new FuzzInput(r, route.allFields().isEmpty() ? List.of("reset") : route.allFields(), SAMPLES);
      for (int i = 0; i < 12; i++) {
        problems.check(route, request(route, r, in, i), true);
      }
      problems.check(route, new Sent("POST", route.template(), Map.of("Authorization", "Bearer " + ROOT), null), true);
    }
    assertThat(s.get("/v1/sys/seal-status", null).json().get("sealed").asBoolean()).isTrue();
    Random r = new Random(503);
    for (Route route : byName.values()) {
      Sent sent = new Sent(route.method(), fill(route, validParams(route, r)), headers(route, r, false),
          hasBody(route.method()) ? "{}".getBytes(UTF_8) : null);
      problems.check(route, sent, send(sent), true);
    }
    problems.assertNone();
    TestServer.Resp health = s.get("/v1/health", null);
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().get("status").asText()).isEqualTo("sealed");
  }

  // ---------------------------------------------------------------------------------------------

  /** Every route the router has, with its fields and query parameters from the OpenAPI document. */
  static List<Route> routes() {
    List<Route> out = new ArrayList<>();
    for (String line : s.server.routes()) {
      String method = line.substring(0, line.indexOf(' '));
      String template = line.substring(line.indexOf(' ') + 1);
      List<String> params = Arrays.stream(template.split("/")).filter(p -> p.startsWith(":"))
          .map(p -> p.substring(1)).toList();
      JsonNode op = doc.path("paths").path(template.replaceAll(":([A-Za-z]+)", "{$1}"))
          .path(method.toLowerCase());
      Map<String, String> fields = new LinkedHashMap<>();
      Set<String> all = new LinkedHashSet<>();
      JsonNode body = resolve(resolve(op.path("requestBody")).path("content").path("application/json").path("schema"));
      collect(body, fields, all, 0);
      List<String> query = new ArrayList<>();
      for (JsonNode p : op.path("parameters")) {
        p = resolve(p);
        if (p.path("in").asText().equals("query")) {
          query.add(p.path("name").asText());
        }
      }
      if (all.isEmpty()) {
        all.addAll(List.of("name", "version", "value", "ttl", "tags"));
      }
      out.add(new Route(method, template, params, fields, List.copyOf(all), query, body));
    }
    return out;
  }

  private static JsonNode resolve(JsonNode n) {
    for (int i = 0; i < 10 && n.has("$ref"); i++) {
      n = doc.at(n.get("$ref").asText().substring(1));
    }
    return n;
  }

  /** The top-level properties of {@code schema} with their types into {@code top}; every property name into {@code all}. */
  private static void collect(JsonNode schema, Map<String, String> top, Set<String> all, int depth) {
    schema = resolve(schema);
    if (depth > 4 || schema.isMissingNode()) {
      return;
    }
    schema.path("properties").fields().forEachRemaining(e -> {
      all.add(e.getKey());
      if (top != null) {
        top.putIfAbsent(e.getKey(), type(resolve(e.getValue())));
      }
      collect(e.getValue(), null, all, depth + 1);
    });
    for (String combiner : List.of("oneOf", "anyOf", "allOf")) {
      for (JsonNode alt : schema.path(combiner)) {
        collect(alt, top, all, depth + 1);
      }
    }
    collect(schema.path("items"), null, all, depth + 1);
    if (schema.path("additionalProperties").isObject()) {
      collect(schema.path("additionalProperties"), null, all, depth + 1);
    }
  }

  private static String type(JsonNode schema) {
    JsonNode t = schema.path("type");
    if (t.isArray() && !t.isEmpty()) {
      t = t.get(0);
    }
    if (t.isTextual() && WRONG.containsKey(t.asText())) {
      return t.asText();
    }
    for (String combiner : List.of("oneOf", "anyOf", "allOf")) {
      if (schema.path(combiner).isArray() && !schema.path(combiner).isEmpty()) {
        return type(resolve(schema.path(combiner).get(0)));
      }
    }
    return schema.has("properties") ? "object" : "string";
  }

  /** Request number {@code i} for {@code route}: the kind of hostility cycles with i. */
  private static Sent request(Route route, Random r, FuzzInput in, int i) {
    Map<String, String> params = validParams(route, r);
    if (!route.params().isEmpty() && r.nextInt(10) < 3) {
      params.put(route.params().get(r.nextInt(route.params().size())), MALFORMED.get(r.nextInt(MALFORMED.size())));
    }
    String target = fill(route, params);
    Map<String, String> headers = headers(route, r, false);
    String body;
    switch (i % 12) {
      case 0, 1 -> body = in.json(0);
      case 2 -> body = "{\"" + in.field() + "\":" + in.json(1) + "}";
      case 3 -> body = typedObject(route, r, in, true);
      case 4, 5, 6 -> body = route.schema() == null || route.schema().isMissingNode() ? typedObject(route, r, in, true)
          : new SchemaFuzz(r, in, r.nextInt(8)).value(route.schema(), 0);
      case 7 -> body = route.schema() == null || route.schema().isMissingNode() ? "{}"
          : new SchemaFuzz(r, in, -1).value(route.schema(), 0);
      case 8 -> {
        byte[] raw = new byte[r.nextInt(300)];
        r.nextBytes(raw);
        if (r.nextBoolean()) {
          headers.put("Content-Type", "application/json");
        }
        return new Sent(route.method(), target, headers, raw);
      }
      case 9 -> {
        body = r.nextBoolean() ? "{}" : typedObject(route, r, in, false);
        String type = CONTENT_TYPES.get(r.nextInt(CONTENT_TYPES.size()));
        headers.remove("Content-Type");
        if (!type.isEmpty()) {
          headers.put("Content-Type", type);
        }
        return new Sent(route.method(), target, headers, body.getBytes(UTF_8));
      }
      case 10 -> {
        target += query(route, r);
        body = hasBody(route.method()) && r.nextBoolean() ? typedObject(route, r, in, false) : null;
      }
      default -> body = NASTY_JSON.get(r.nextInt(NASTY_JSON.size()));
    }
    if (body != null) {
      headers.putIfAbsent("Content-Type", "application/json");
    }
    return new Sent(route.method(), target, headers, body == null ? null : body.getBytes(UTF_8));
  }

  /**
   * JSON for a schema of the OpenAPI document: valid-looking values throughout (enums, formats,
   * names of existing objects, required members present), except the node numbered {@code mutateAt}
   * in generation order, which gets a hostile value: the wrong type, or the right type out of
   * bounds. A negative {@code mutateAt} mutates nothing.
   */
  static final class SchemaFuzz {
    private final Random r;
    private final FuzzInput in;
    private int countdown;

    SchemaFuzz(Random r, FuzzInput in, int mutateAt) {
      this.r = r;
      this.in = in;
      this.countdown = mutateAt;
    }

    String value(JsonNode schema, int depth) {
      schema = resolve(schema);
      if (countdown-- == 0) {
        return hostile(schema);
      }
      String type = type(schema);
      if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
        return schema.path("enum").get(r.nextInt(schema.path("enum").size())).toString();
      }
      if (schema.has("example") && !type.equals("object") && !type.equals("array") && r.nextInt(3) == 0) {
        return schema.get("example").toString();
      }
      switch (type) {
        case "object": {
          if (depth > 4) {
            return "{}";
          }
          Set<String> required = new java.util.HashSet<>();
          schema.path("required").forEach(n -> required.add(n.asText()));
          StringBuilder b = new StringBuilder("{");
          Map<String, JsonNode> properties = new LinkedHashMap<>();
          schema.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue()));
          for (String combiner : List.of("oneOf", "anyOf", "allOf")) {
            JsonNode alts = schema.path(combiner);
            if (alts.isArray() && !alts.isEmpty()) {
              JsonNode alt = resolve(alts.get(r.nextInt(alts.size())));
              alt.path("properties").fields().forEachRemaining(e -> properties.putIfAbsent(e.getKey(), e.getValue()));
              alt.path("required").forEach(n -> required.add(n.asText()));
            }
          }
          properties.forEach((name, sub) -> {
            if (required.contains(name) ? r.nextInt(12) != 0 : r.nextInt(5) < 3) {
              b.append(b.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value(sub, depth + 1));
            }
          });
          JsonNode additional = schema.path("additionalProperties");
          if (additional.isObject() && r.nextBoolean()) {
            for (int i = r.nextInt(3); i > 0; i--) {
              b.append(b.length() > 1 ? "," : "").append("\"k").append(i).append("\":").append(value(additional, depth + 1));
            }
          }
          return b.append('}').toString();
        }
        case "array": {
          StringBuilder b = new StringBuilder("[");
          int n = Math.max(schema.path("minItems").asInt(0), r.nextInt(3));
          for (int i = 0; i < n && depth < 5; i++) {
            b.append(i > 0 ? "," : "").append(value(schema.path("items"), depth + 1));
          }
          return b.append(']').toString();
        }
        case "integer": case "number": {
          long min = schema.path("minimum").asLong(0);
          long max = schema.path("maximum").asLong(min + 3);
          return Long.toString(min + (max > min ? Math.floorMod(r.nextLong(), Math.min(max - min + 1, 1000)) : 0));
        }
        case "boolean":
          return Boolean.toString(r.nextBoolean());
        default:
          return "\"" + string(schema) + "\"";
      }
    }

    private String string(JsonNode schema) {
      String format = schema.path("format").asText("");
      String pattern = schema.path("pattern").asText("");
      if (format.equals("date-time")) {
        return r.nextBoolean() ? "2030-01-01T00:00:00Z" : "2001-02-03T04:05:06.789+01:00";
      }
      if (format.equals("byte")) {
        return r.nextBoolean() ? "aGVsbG8=" : "";
      }
      if (pattern.startsWith("^rekey:v")) {
        return SAMPLES.get(0);
      }
      if (pattern.equals("^[0-9]*$")) {
        return Integer.toString(r.nextInt(100));
      }
      if (pattern.startsWith("^[A-Za-z0-9]") || pattern.startsWith("^[a-z0-9]")) {
        List<String> names = VALID.get("name");
        return r.nextBoolean() ? names.get(r.nextInt(names.size())) : "fz-new-" + r.nextInt(1000);
      }
      return r.nextBoolean() ? SAMPLES.get(r.nextInt(SAMPLES.size())) : in.string();
    }

    private String hostile(JsonNode schema) {
      String type = type(schema);
      List<String> same = new ArrayList<>(switch (type) {
        case "integer", "number" -> List.of(Long.toString(schema.path("minimum").asLong(0) - 1),
            Long.toString(schema.path("maximum").asLong(Integer.MAX_VALUE) + 1), "9223372036854775807",
            "-9223372036854775808", "2147483647", "-2147483648", "0", "-1");
        case "string" -> List.of("\"\"", "\" \"", "\"\\u0000\"", "\"" + "z".repeat(schema.path("maxLength").asInt(256) + 1)
            + "\"", "\"../../etc\"", "\"\u202e\"", "\"PT-1H\"", "\"-P1D\"", "\"P999999999999999D\"",
            "\"PT0S\"", "\"P1Y2M\"", "\"2030-13-45T99:00:00Z\"", "\"+999999999-12-31T23:59:59Z\"",
            "\"0000-01-01T00:00:00Z\"", "\"1970-01-01T00:00:00Z\"", "\"AES256-GCM\"", "\"*\"", "\"%00\"",
            "\"rekey:v99999999999:aGk=\"", "\"vault:v0:aGk=\"", "\"====\"", "\"a\"", "\"http://[::1\"",
            "\"file:///etc/passwd\"", "\"https://127.0.0.1:0/\"");
        case "array" -> List.of("[]", "[null]", "[" + "{},".repeat(1200) + "{}]", "[[]]");
        case "object" -> List.of("{}", "{\"\":\"\"}", "{\"a\":null}");
        default -> List.of();
      });
      same.addAll(WRONG.getOrDefault(type, WRONG.get("string")));
      same.add("null");
      return same.get(r.nextInt(same.size()));
    }
  }

  /** An object with the route's own fields: plausible values, and (when {@code wrong}) some of the wrong type. */
  private static String typedObject(Route route, Random r, FuzzInput in, boolean wrong) {
    if (route.fields().isEmpty()) {
      return "{\"" + in.field() + "\":" + in.json(1) + "}";
    }
    StringBuilder b = new StringBuilder("{");
    boolean wroteWrong = false;
    List<Map.Entry<String, String>> entries = new ArrayList<>(route.fields().entrySet());
    for (int i = 0; i < entries.size(); i++) {
      Map.Entry<String, String> e = entries.get(i);
      boolean last = i == entries.size() - 1;
      if (r.nextInt(4) == 0 && !(wrong && last && !wroteWrong)) {
        continue; // leave this field out
      }
      String value;
      if (wrong && (r.nextInt(3) == 0 || (last && !wroteWrong))) {
        List<String> candidates = WRONG.get(e.getValue());
        value = candidates.get(r.nextInt(candidates.size()));
        wroteWrong = true;
      } else {
        value = plausible(e.getValue(), r, in);
      }
      b.append(b.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":").append(value);
    }
    return b.append('}').toString();
  }

  private static String plausible(String type, Random r, FuzzInput in) {
    return switch (type) {
      case "integer", "number" -> Integer.toString(r.nextInt(5) - 1);
      case "boolean" -> Boolean.toString(r.nextBoolean());
      case "array" -> r.nextBoolean() ? "[]" : "[" + in.json(2) + "]";
      case "object" -> r.nextBoolean() ? "{}" : "{\"" + in.field() + "\":" + in.json(2) + "}";
      default -> "\"" + (r.nextBoolean() ? SAMPLES.get(r.nextInt(SAMPLES.size())) : in.string()) + "\"";
    };
  }

  private static String query(Route route, Random r) {
    List<String> names = new ArrayList<>(route.query());
    names.addAll(List.of("limit", "after", "force", "version", "from"));
    String[] values = {"-1", "0", "abc", "1e3", "99999999999999999999", "2147483648", "", "%ZZ", "%00", "..",
        "x".repeat(500), "true", "TRUE", "1", "%E2%80%AE", "-9223372036854775808", "tok_", "2030-01-01T00:00:00Z", "+",
        "%2B1", "1.5", "null"};
    StringBuilder q = new StringBuilder("?");
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      q.append(i > 0 ? "&" : "").append(names.get(r.nextInt(names.size())));
      if (r.nextInt(6) != 0) {
        q.append('=').append(values[r.nextInt(values.length)]);
      }
    }
    return r.nextInt(8) == 0 ? q + "&&=&%=" : q.toString();
  }

  private static Map<String, String> validParams(Route route, Random r) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String p : route.params()) {
      List<String> pool = VALID.getOrDefault(p, List.of("x"));
      values.put(p, pool.get(r.nextInt(pool.size())));
    }
    return values;
  }

  private static String fill(Route route, Map<String, String> values) {
    String path = route.template();
    for (String p : route.params()) {
      path = path.replace(":" + p, values.get(p));
    }
    return path;
  }

  /** The token and namespace headers, in the route's dialect; now and then a missing, wrong or odd one. */
  private static Map<String, String> headers(Route route, Random r, boolean plain) {
    Map<String, String> h = new LinkedHashMap<>();
    int who = plain ? 0 : r.nextInt(20);
    String token = who == 0 || who > 3 ? ROOT : who == 1 ? auditor : who == 2 ? "not-a-token-\u00ff" : null;
    if (route.vault()) {
      if (token != null) {
        h.put(r.nextInt(4) == 0 ? "Authorization" : "X-Vault-Token", r.nextInt(4) == 0 ? "Bearer " + token : token);
      }
      h.put("X-Vault-Request", "true");
      if (!plain && r.nextInt(5) == 0) {
        String[] ns = {"", "ns1/", "default/", "../", "a/b/", "x".repeat(200), "appr", "/"};
        h.put(r.nextBoolean() ? "X-Vault-Namespace" : "X-Rekey-Namespace", ns[r.nextInt(ns.length)]);
      }
    } else {
      if (token != null) {
        if (r.nextInt(6) == 0) {
          h.put("X-Rekey-Token", token);
        } else {
          h.put("Authorization", "Bearer " + token);
        }
      }
      if (!plain && r.nextInt(6) == 0) {
        String[] ns = {"appr", "default", "Bad NS", "", "n".repeat(200), "..", "a/b", "*"};
        h.put("X-Rekey-Namespace", ns[r.nextInt(ns.length)]);
      }
    }
    if (!plain && r.nextInt(15) == 0) {
      h.put("X-Rekey-Approval", r.nextBoolean() ? "apr_0000" : "..");
    }
    if (!plain && r.nextInt(20) == 0) {
      h.put("X-Request-Id", "fz\u00e9\u00ff" + "x".repeat(r.nextInt(300)));
    }
    if (!plain && r.nextInt(20) == 0) {
      h.put("If-None-Match", r.nextBoolean() ? "*" : "\"junk\"");
    }
    return h;
  }

  private static boolean hasBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  // ---------------------------------------------------------------------------------------------

  /** An answer as received. */
  record Answer(int status, Map<String, String> headers, String body) {
    @Override
    public String toString() {
      return status + " " + headers.getOrDefault("content-type", "(no type)") + " " + truncate(body, 400);
    }
  }

  /** Sends over a fresh connection ({@code Connection: close}) and reads the whole answer. */
  static Answer send(Sent sent) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder(sent.method()).append(' ').append(sent.target())
          .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      sent.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (sent.body() != null) {
        head.append("Content-Length: ").append(sent.body().length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(UTF_8));
      if (sent.body() != null) {
        out.write(sent.body());
      }
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("sending " + sent, e);
    }
  }

  private static Answer parse(byte[] raw) {
    String all = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (end < 0) {
      return new Answer(-1, Map.of(), all);
    }
    String[] lines = all.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream decoded = new ByteArrayOutputStream();
      int at = 0;
      while (true) {
        int lineEnd = indexOf(body, at);
        int size = Integer.parseInt(new String(body, at, lineEnd - at, UTF_8).split(";")[0].trim(), 16);
        if (size == 0) {
          break;
        }
        decoded.write(body, lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
      }
      body = decoded.toByteArray();
    }
    return new Answer(status, headers, new String(body, UTF_8));
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length - 1; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    throw new IllegalStateException("a chunk without its line end");
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
  }

  private static TestServer.Resp expect(TestServer.Resp r, int... statuses) {
    if (Arrays.stream(statuses).noneMatch(x -> x == r.status())) {
      throw new AssertionError("fixture: " + r.status() + " " + r.body());
    }
    return r;
  }

  private static List<String> nonEmpty(String... values) {
    return Arrays.stream(values).filter(v -> v != null && !v.isEmpty()).toList();
  }

  /** What broke the contract, grouped by route, status and code, with one reproducible example each. */
  static final class Problems {
    private final Map<String, List<String>> byKind = new LinkedHashMap<>();
    private final Map<String, Integer> statuses = new java.util.TreeMap<>();
    private int sent;

    void check(Route route, Sent sent, boolean sealedAllowed) {
      check(route, sent, send(sent), sealedAllowed);
    }

    void check(Route route, Sent sent, Answer a) {
      check(route, sent, a, false);
    }

    void check(Route route, Sent sent, Answer a, boolean sealedAllowed) {
      this.sent++;
      String code = a.status() >= 400 ? " " + errorCode(a) : "";
      statuses.merge(a.status() + code, 1, Integer::sum);
      if (a.status() < 400) {
        if (a.status() < 200) {
          add(route.toString(), sent, a, "not a final status");
        } else if (a.headers().getOrDefault("content-type", "").startsWith("application/json") && !a.body().isEmpty()
            && json(a.body()) == null) {
          add(route.toString(), sent, a, "a success whose JSON body does not parse");
        }
        return;
      }
      if (a.body().contains(SECRET_VALUE)) {
        add(route.toString(), sent, a, "an error showing the secret's value");
      }
      JsonNode body = json(a.body());
      if (body == null || !a.headers().getOrDefault("content-type", "").startsWith("application/json")) {
        add(route.toString(), sent, a, a.status() + " not JSON");
        return;
      }
      if (route.vault() || sent.target().startsWith("/v1/transit/")) {
        JsonNode errors = body.path("errors");
        boolean ok = errors.isArray() && !errors.isEmpty() && errors.get(0).isTextual() && body.size() == 1
            // a batch with a failed item: 400 with every item's result, as Vault answers it
            || a.status() == 400 && body.path("data").path("batch_results").isArray();
        if (!ok) {
          add(route.toString(), sent, a, a.status() + " not Vault's error shape");
        }
        if (a.status() >= 500 && !(sealedAllowed && a.status() == 503)) {
          add(route.toString(), sent, a, a.status() + "");
        }
        return;
      }
      if (sealedAllowed && a.status() == 503 && route.template().equals("/v1/health")) {
        return; // health answers its own body while sealed
      }
      code = body.path("error").path("code").asText(null);
      String message = body.path("error").path("message").asText("");
      if (code == null || !CODES.contains(code) || message.isBlank()) {
        add(route.toString(), sent, a, a.status() + " code " + code);
        return;
      }
      if (HttpStatus.of(ErrorCode.fromWire(code)) != a.status()) {
        add(route.toString(), sent, a, a.status() + " with code " + code);
      }
      if (a.status() >= 500 && !(sealedAllowed && code.equals("sealed"))) {
        add(route.toString(), sent, a, a.status() + " " + code);
      }
    }

    void add(String route, Sent sent, Answer a, String what) {
      byKind.computeIfAbsent(route + " -> " + what, k -> new ArrayList<>()).add(sent + "\n      => " + a);
    }

    private static String errorCode(Answer a) {
      JsonNode body = json(a.body());
      return body == null ? "?" : body.has("errors") ? "vault" : body.path("error").path("code").asText("?");
    }

    void assertNone() {
      System.out.println(getClass().getSimpleName() + ": " + sent + " requests, answers " + statuses);
      if (byKind.isEmpty()) {
        return;
      }
      StringBuilder report = new StringBuilder(byKind.size() + " kinds of contract breach:\n");
      byKind.forEach((kind, examples) -> report.append("  ").append(kind).append(" (").append(examples.size())
          .append("x), e.g.\n    ").append(examples.get(0)).append('\n'));
      throw new AssertionError(report.toString());
    }

    private static JsonNode json(String text) {
      try {
        return TestServer.JSON.readTree(text);
      } catch (IOException e) {
        return null;
      }
    }
  }
}
