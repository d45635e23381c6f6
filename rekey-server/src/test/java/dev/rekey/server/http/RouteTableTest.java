package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final RouteTable<String> table = new RouteTable<>();

  RouteTableTest() {
    table.add(HttpMethod.GET, "/v1/health", "health");
    table.add(HttpMethod.GET, "/v1/keys", "list");
    table.add(HttpMethod.POST, "/v1/keys", "create");
    table.add(HttpMethod.GET, "/v1/keys/:name", "show");
    table.add(HttpMethod.POST, "/v1/keys/:name/encrypt", "encrypt");
    table.add(HttpMethod.POST, "/v1/keys/:name/versions/:version/:action", "version");
    table.add(HttpMethod.GET, "/v1/auth/tokens/self", "self");
    table.add(HttpMethod.DELETE, "/v1/auth/tokens/:id", "revoke");
  }

  @Test
  void literalAndParameterSegments_match_withDecodedParameters() {
    assertThat(found(HttpMethod.POST, "/v1/keys/orders/encrypt")).isEqualTo(Map.of("name", "orders"));
    assertThat(found(HttpMethod.POST, "/v1/keys/a%20b/versions/3/enable"))
        .isEqualTo(Map.of("name", "a b", "version", "3", "action", "enable"));
    assertThat(found(HttpMethod.GET, "/v1/keys/a%2Fb")).isEqualTo(Map.of("name", "a/b"));
    assertThat(found(HttpMethod.GET, "/v1/keys/a+b")).isEqualTo(Map.of("name", "a+b"));
    assertThat(handler(HttpMethod.GET, "/v1/keys")).isEqualTo("list");
    assertThat(handler(HttpMethod.POST, "/v1/keys")).isEqualTo("create");
  }

  @Test
  void oneTrailingSlash_isIgnored() {
    assertThat(handler(HttpMethod.GET, "/v1/health/")).isEqualTo("health");
    assertThat(handler(HttpMethod.GET, "/v1/keys/orders/")).isEqualTo("show");
  }

  @Test
  void literals_winOverParameters_butAParameterRouteServesOtherMethods() {
    assertThat(handler(HttpMethod.GET, "/v1/auth/tokens/self")).isEqualTo("self");
    assertThat(table.match(HttpMethod.DELETE, "/v1/auth/tokens/self"))
        .isEqualTo(new RouteTable.Found<>("revoke", Map.of("id", "self")));
    assertThat(table.match(HttpMethod.GET, "/v1/auth/tokens/tok_1"))
        .isEqualTo(new RouteTable.MethodNotAllowed<>(List.of("DELETE")));
  }

  @Test
  void unknownPaths_areNotFound_andKnownPathsWithAnotherMethod_areNotAllowed() {
    for (String path : new String[] {"/", "", "v1/health", "/v1", "/v1/nope", "/v1/keys/orders/encrypt/more",
        "/v1//keys", "/v1/keys//encrypt", "/v1/health//", "/v1/keys/orders/versions/1"}) {
      assertThat(table.match(HttpMethod.GET, path)).as(path).isInstanceOf(RouteTable.NotFound.class);
    }
    assertThat(table.match(HttpMethod.GET, "/v1/keys/orders/encrypt")).isInstanceOf(RouteTable.MethodNotAllowed.class);
    assertThat(table.match(HttpMethod.GET, "/v1/keys" + "/x".repeat(40))).isInstanceOf(RouteTable.NotFound.class);
    assertThat(table.match(HttpMethod.DELETE, "/v1/keys"))
        .isEqualTo(new RouteTable.MethodNotAllowed<>(List.of("GET", "HEAD", "POST")));
  }

  @Test
  void head_isServedByTheGetRoute_andOnlyWhereThereIsOne() {
    assertThat(handler(HttpMethod.HEAD, "/v1/health")).isEqualTo("health");
    assertThat(table.match(HttpMethod.HEAD, "/v1/keys/orders")).isEqualTo(new RouteTable.Found<>("show", Map.of("name", "orders")));
    assertThat(table.match(HttpMethod.HEAD, "/v1/keys/orders/encrypt"))
        .isEqualTo(new RouteTable.MethodNotAllowed<>(List.of("POST")));
    assertThat(table.match(HttpMethod.HEAD, "/v1/nope")).isInstanceOf(RouteTable.NotFound.class);
  }

  @Test
  void dotSegments_areNotResolved_theyAreJustValues() {
    assertThat(found(HttpMethod.GET, "/v1/keys/..")).isEqualTo(Map.of("name", ".."));
    assertThat(table.match(HttpMethod.GET, "/v1/keys/../health")).isInstanceOf(RouteTable.NotFound.class);
  }

  @Test
  void badPercentEncoding_isABadPath() {
    assertThat(table.match(HttpMethod.GET, "/v1/keys/a%zz")).isInstanceOf(RouteTable.BadPath.class);
  }

  @Test
  void conflictingRegistrations_areRefused() {
    assertThatThrownBy(() -> table.add(HttpMethod.GET, "/v1/keys/:name", "again"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.add(HttpMethod.GET, "/v1/keys/:key/x", "other name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.add(HttpMethod.GET, "v1/x", "relative")).isInstanceOf(IllegalArgumentException.class);
    assertThat(table.routes()).startsWith("GET /v1/health", "GET /v1/keys", "POST /v1/keys");
  }

  private Map<String, String> found(HttpMethod method, String path) {
    RouteTable.Match<String> m = table.match(method, path);
    assertThat(m).as(method + " " + path).isInstanceOf(RouteTable.Found.class);
    return ((RouteTable.Found<String>) m).params();
  }

  private String handler(HttpMethod method, String path) {
    RouteTable.Match<String> m = table.match(method, path);
    assertThat(m).as(method + " " + path).isInstanceOf(RouteTable.Found.class);
    return ((RouteTable.Found<String>) m).handler();
  }
}
