package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key and secret listings show only the names the caller's grants match: the paging cursor
 * ({@code next_after}) must not name a key or secret outside them either, or paging with
 * {@code limit=1} reads every name of the namespace.
 */
class ListingCursorTest {
  static final String NS = "cursors";
  @TempDir static Path dir;
  static TestServer s;
  static String billing;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    billing = s.token("billing", "crypto-user", NS, "billing-*", null)[0];
    for (String name : List.of("aaa-hidden", "billing-a", "mmm-hidden", "billing-b", "zzz-hidden")) {
      TestServer.Resp k = s.req("POST", "/v1/keys").token(TestServer.ROOT).namespace(NS)
          .json("{\"name\":\"" + name + "\"}").send();
      assertThat(k.status()).as(k.body()).isEqualTo(201);
      TestServer.Resp p = s.req("PUT", "/v1/secrets/" + name).token(TestServer.ROOT).namespace(NS)
          .json("{\"value\":\"v\"}").send();
      assertThat(p.status()).as(p.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** Every name and cursor a caller sees paging through {@code path} with {@code limit}. */
  private static List<String> page(String path, String field, int limit) {
    List<String> seen = new ArrayList<>();
    String after = null;
    for (int i = 0; i < 20; i++) {
      TestServer.Resp r = s.req("GET", path + "?limit=" + limit + (after == null ? "" : "&after=" + after))
          .token(billing).namespace(NS).send();
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode body = r.json();
      body.get(field).forEach(x -> seen.add(x.get("name").asText()));
      if (!body.hasNonNull("next_after")) {
        return seen;
      }
      after = body.get("next_after").asText();
      seen.add("cursor:" + after);
    }
    throw new AssertionError("paging did not end: " + seen);
  }

  @Test
  void keyListing_cursorNamesNoKeyOutsideTheGrants_andPagingStillReachesEveryGrantedKey() {
    for (int limit : new int[] {1, 2, 100}) {
      List<String> seen = page("/v1/keys", "keys", limit);
      assertThat(seen).as("limit " + limit).noneMatch(n -> n.contains("hidden"));
      assertThat(seen).as("limit " + limit).contains("billing-a", "billing-b");
    }
  }

  @Test
  void secretListing_cursorNamesNoSecretOutsideTheGrants_andPagingStillReachesEveryGrantedSecret() {
    for (int limit : new int[] {1, 2, 100}) {
      List<String> seen = page("/v1/secrets", "secrets", limit);
      assertThat(seen).as("limit " + limit).noneMatch(n -> n.contains("hidden"));
      assertThat(seen).as("limit " + limit).contains("billing-a", "billing-b");
    }
  }
}
