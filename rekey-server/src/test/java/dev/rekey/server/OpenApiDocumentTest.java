package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.server.api.OpenApiDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiDocumentTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static JsonNode document() throws Exception {
    return TestServer.JSON.readTree(OpenApiDocument.bytes());
  }

  /** "POST /v1/keys/{name}/encrypt" for every operation of the document. */
  private static TreeSet<String> documented(JsonNode doc) {
    TreeSet<String> ops = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue().fieldNames().forEachRemaining(m -> ops.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    return ops;
  }

  @Test
  void servedDocument_isTheBundledOpenApi3Document() throws Exception {
    TestServer.Resp r = s.get("/v1/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    assertThat(r.json()).isEqualTo(document());
    assertThat(document().get("openapi").asText()).startsWith("3.0.");
    assertThat(document().at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
  }

  /** A Vault batch with a failed item is 400 with the data envelope, not {"errors":[...]}: the document says so. */
  @Test
  void vaultBatchRoutes_declareTheirPartialFailureAnswer_asA400() throws Exception {
    JsonNode doc = document();
    for (String op : new String[] {"encrypt", "decrypt", "rewrap"}) {
      for (String method : new String[] {"post", "put"}) {
        JsonNode declared = doc.at("/paths/~1v1~1transit~1" + op + "~1{name}/" + method + "/responses/400");
        if (declared.has("$ref")) {
          declared = doc.at(declared.get("$ref").asText().substring(1));
        }
        assertThat(declared.at("/content/application~1json/schema").toString()).as(op + " " + method)
            .contains("#/components/schemas/Vault" + (op.equals("decrypt") ? "Plaintext" : "Ciphertext") + "Response");
      }
    }
  }

  @Test
  void registeredRoutes_areExactlyTheDocumentedOperations() throws Exception {
    TreeSet<String> routed = new TreeSet<>();
    for (String route : s.server.routes()) {
      routed.add(route.replaceAll(":([A-Za-z]+)", "{$1}"));
    }
    assertThat(routed).hasSizeGreaterThan(20);
    assertThat(documented(document())).containsExactlyElementsOf(routed);
  }

  @Test
  void everyDocumentedOperation_isRoutedAndAnswersWithTheContract() throws Exception {
    JsonNode doc = document();
    s.createKey("doc-probe", null);
    List<String> problems = new ArrayList<>();
    for (String op : documented(doc)) {
      String method = op.substring(0, op.indexOf(' '));
      String path = op.substring(op.indexOf(' ') + 1).replace("{name}", "doc-probe").replace("{version}", "1")
          .replace("{action}", "enable").replace("{id}", "tok_0000000000000000")
          .replace("{namespace}", "default").replace("{key}", "doc-probe").replace("{label}", "blue")
          .replace("{delivery}", "dlv_0").replace("{scope}", "namespace%3Adoc-probe").replace("{tenant}", "doc-tenant")
          .replace("{consumer}", "doc-probe-consumer").replace("{type}", "plaintext");
      if (path.endsWith("/sys/seal")) {
        continue; // sealing the shared server would break the other probes; its route is checked above
      }
      TestServer.Req req = s.req(method, path).token(TestServer.ROOT);
      if (method.equals("POST") || method.equals("PATCH")) {
        req.json("{}");
      }
      TestServer.Resp r = req.send();
      boolean vault = path.startsWith("/v1/transit/"); // Vault's error shape: {"errors":["message"]}
      String message = r.status() < 400 ? "" : vault ? r.json().path("errors").path(0).asText()
          : r.json().path("error").path("message").asText();
      if (r.status() == 404 && "no such endpoint".equals(message) || r.status() == 405 || r.status() >= 500) {
        problems.add(op + " -> " + r.status() + " " + r.body());
      }
      if (r.status() >= 400) {
        if (vault) {
          assertThat(message).as(op + " error body").isNotEmpty();
        } else {
          assertThat(r.errorCode()).as(op + " error body").isNotNull();
        }
        JsonNode declared = doc.at("/paths/" + op.substring(op.indexOf(' ') + 1).replace("/", "~1") + "/"
            + method.toLowerCase(Locale.ROOT) + "/responses/" + r.status());
        assertThat(declared.isMissingNode()).as(op + " declares status " + r.status()).isFalse();
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void publicOperations_declareNoSecurity_andOthersInheritBearer() throws Exception {
    JsonNode doc = document();
    assertThat(doc.get("security").toString()).contains("bearerAuth");
    for (String publicOp : List.of("/v1/health/get", "/v1/sys/seal-status/get", "/v1/sys/init/post",
        "/v1/sys/unseal/post", "/v1/openapi.json/get")) {
      String[] parts = publicOp.split("/(?=[a-z]+$)");
      JsonNode op = doc.at("/paths/" + parts[0].replace("/", "~1") + "/" + parts[1]);
      assertThat(op.get("security")).as(publicOp).isNotNull();
      assertThat(op.get("security").size()).as(publicOp).isZero();
    }
    assertThat(doc.at("/paths/~1v1~1keys~1{name}~1encrypt/post/security").isMissingNode()).isTrue();
  }

  @Test
  void requestSchemas_useSnakeCaseAndRejectUnknownFields() throws Exception {
    JsonNode schemas = document().at("/components/schemas");
    for (Iterator<Map.Entry<String, JsonNode>> it = schemas.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode props = e.getValue().get("properties");
      if (props != null) {
        props.fieldNames().forEachRemaining(f -> assertThat(f).as(e.getKey()).matches("[a-z][a-z0-9_]*"));
      }
      if (e.getKey().endsWith("Request") || e.getKey().endsWith("Item")) {
        assertThat(e.getValue().get("additionalProperties").asBoolean(true)).as(e.getKey()).isFalse();
      }
    }
    assertThat(schemas.at("/ErrorDetail/properties/code/enum").toString()).contains("audit_unavailable",
        "payload_too_large", "method_not_allowed");
  }
}
