package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's planner starts a campaign by itself after a KEK rotation, and it completes. */
class RewrapPlannerServerTest {
  @TempDir Path dir;

  @Test
  void rotatingAKekWithStoredDeks_startsACampaignAutomatically_thatCompletes() throws Exception {
    System.setProperty(RekeyServer.PLANNER_INTERVAL_PROPERTY, "PT0.2S");
    TestServer s;
    try {
      s = TestServer.dev(dir);
    } finally {
      System.clearProperty(RekeyServer.PLANNER_INTERVAL_PROPERTY);
    }
    try (TestServer server = s) {
      server.createKey("auto", null);
      for (int i = 0; i < 25; i++) {
        assertThat(server.post("/v1/keys/auto/deks", TestServer.ROOT, "{\"tenant\":\"t" + i + "\"}").status())
            .isEqualTo(201);
      }
      Thread.sleep(500);
      assertThat(server.get("/v1/rewrap-campaigns", TestServer.ROOT).json().get("campaigns")).isEmpty();

      assertThat(server.post("/v1/keys/auto/rotate", TestServer.ROOT, "{}").status()).isEqualTo(200);
      JsonNode c = null;
      Instant deadline = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(deadline)) {
        JsonNode list = server.get("/v1/rewrap-campaigns", TestServer.ROOT).json().get("campaigns");
        if (list.size() > 0 && list.get(0).get("state").asText().equals("completed")) {
          c = list.get(0);
          break;
        }
        Thread.sleep(Duration.ofMillis(50).toMillis());
      }
      assertThat(c).as("a completed campaign").isNotNull();
      assertThat(c.get("origin").asText()).isEqualTo("planner");
      assertThat(c.get("done").asInt()).isEqualTo(25);
      assertThat(server.get("/v1/rewrap-campaigns", TestServer.ROOT).json().get("campaigns")).hasSize(1);
      assertThat(server.get("/v1/keys/auto/deks/t7", TestServer.ROOT).json().get("kek_version").asInt()).isEqualTo(2);
    }
  }
}
