package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation status keeps its 1000-entry caps but counts only the keys the caller may see: with
 * more than 1000 keys rotating before the few a caller is granted, that caller still sees them.
 * Over real HTTP with the scheduler ticking every 50 ms.
 */
class RotationStatusVisibilityTest {
  static final String ROOT = TestServer.ROOT;
  static final int HIDDEN = 1000;

  @Test
  void status_aCallerGrantedTheLastKeys_seesThem_behindMoreThan1000Others(@TempDir Path dir) throws Exception {
    try (TestServer s = TestServer.start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT)
        .withCacheTtl(Duration.ZERO).withSchedulerInterval(Duration.ofMillis(50)))) {
      // created first, so each rotates (one day after its creation) before the team's keys
      for (int i = 0; i < HIDDEN; i++) {
        create(s, "bulk", String.format("k%04d", i));
      }
      for (int i = 0; i < 3; i++) {
        create(s, "team", "t" + i);
      }
      TestServer.Resp applied = s.req("PUT", "/v1/policies").token(ROOT).json("{\"policies\":["
          + "{\"scope\":\"namespace:bulk\",\"rotation_period\":\"P1D\"},"
          + "{\"scope\":\"namespace:team\",\"rotation_period\":\"P1D\"}]}").send();
      assertThat(applied.status()).as(applied.body()).isEqualTo(200);
      String team = s.token("team-officer", "key-officer", "team", "*", null)[0];

      // until the scheduler has placed every key (root sees the cap, all bulk keys) or 60 s have passed
      List<String> all = List.of();
      List<String> seen = List.of();
      for (int i = 0; i < 1200 && (all.size() < 1000 || !all.stream().allMatch(n -> n.startsWith("bulk/"))
          || seen.size() < 3); i++) {
        Thread.sleep(50);
        all = names(s.get("/v1/rotation/status", ROOT));
        seen = names(s.req("GET", "/v1/rotation/status").token(team).namespace("team").send());
      }

      assertThat(all).hasSize(1000).allMatch(n -> n.startsWith("bulk/")); // the cap stays; the team's keys come last
      assertThat(seen).containsExactly("team/t0", "team/t1", "team/t2");
    }
  }

  private static void create(TestServer s, String namespace, String name) {
    TestServer.Resp r = s.req("POST", "/v1/keys").token(ROOT).namespace(namespace)
        .json("{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  /** The calendar's keys as namespace/name. */
  private static List<String> names(TestServer.Resp status) {
    assertThat(status.status()).as(status.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode e : status.json().get("calendar")) {
      out.add(e.get("namespace").asText() + "/" + e.get("key").asText());
    }
    return out;
  }
}
