package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.CampaignView;
import dev.rekey.client.RekeyClient;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.server.RekeyServer;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-wrap campaign survives SIGKILL: the dev server runs as its own JVM, a campaign (throttled,
 * or unthrottled with its next page prepared ahead) is killed part-way, and after a restart on the same data directory it resumes from its checkpoint
 * and completes. Afterwards every DEK decrypts to the key it was created with, and each stored row
 * was re-wrapped exactly once (row version 1, KEK version 2, marked by that campaign).
 */
class RewrapCrashE2eTest {
  static final int DEKS = 400;

  @Test
  void campaignKilledMidway_resumesAfterRestart_noDekLostOrDoubleWrapped(@TempDir Path dir) throws Exception {
    killMidwayAndResume(dir, 10, 100L);
  }

  /**
   * Unthrottled, batches of one: every batch's page was read and re-wrapped ahead by the prefetch
   * thread while the previous batch committed, so the kill lands with a prepared page in memory.
   */
  @Test
  void unthrottledCampaignKilledMidway_withPagesPreparedAhead_resumes_noDekLostOrDoubleWrapped(@TempDir Path dir)
      throws Exception {
    killMidwayAndResume(dir, 1, 0L);
  }

  private void killMidwayAndResume(Path dir, int batchSize, long delayMillis) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path log = dir.resolve("server.log");
    int port = E2e.freePort();
    String url = "http://127.0.0.1:" + port;
    // the campaign is started on request (the planner, off here, could otherwise start it first)
    Process process = E2e.startServerProcess(data, port, log, "-Drekey.rewrap.plannerInterval=PT0S");

    Map<String, String> keys = new HashMap<>();
    long campaignId;
    long doneBeforeKill;
    try {
      RekeyClient client = E2e.client(url, E2e.ROOT_TOKEN);
      client.createKey("tenants", null, null);
      for (int i = 0; i < DEKS; i++) {
        client.deks().create("tenants", "tenant-" + i);
        keys.put("tenant-" + i, client.deks().fetch("tenants", "tenant-" + i, null).plaintext());
      }
      client.rotateKey("tenants", true);
      CampaignView started = client.rewrapCampaigns().start("tenants", null, batchSize, delayMillis);
      campaignId = started.id();
      assertThat(started.total()).isEqualTo(DEKS);
      long id = campaignId;
      E2e.await("the campaign is a quarter done", Duration.ofSeconds(60),
          () -> client.rewrapCampaigns().get(id).done() >= DEKS / 4);
      doneBeforeKill = client.rewrapCampaigns().get(id).done();
    } finally {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(doneBeforeKill).isBetween(1L, (long) DEKS - 1);

    try (RekeyServer restarted = E2e.devServer(data)) {
      RekeyClient client = E2e.client(restarted, E2e.ROOT_TOKEN);
      long id = campaignId;
      E2e.await("the campaign completes after the restart", Duration.ofSeconds(60),
          () -> "completed".equals(client.rewrapCampaigns().get(id).state()));
      CampaignView done = client.rewrapCampaigns().get(id);
      assertThat(done.done()).isEqualTo(DEKS);
      assertThat(done.remaining()).isZero();
      for (Map.Entry<String, String> e : keys.entrySet()) {
        var dek = client.deks().fetch("tenants", e.getKey(), null);
        assertThat(dek.kekVersion()).isEqualTo(2);
        assertThat(dek.plaintext()).as(e.getKey()).isEqualTo(e.getValue());
      }
    }

    try (Store store = Store.open(StoreConfig.sqlite(data.resolve("rekey.db")))) {
      for (String tenant : keys.keySet()) {
        List<StoredDek> versions = store.deks().versions("default", "tenants", tenant);
        assertThat(versions).singleElement().satisfies(d -> {
          assertThat(d.kekVersion()).isEqualTo(2);
          assertThat(d.rowVersion()).as("re-wrapped exactly once").isEqualTo(1);
          assertThat(d.rewrapCampaign()).isEqualTo(campaignId);
        });
      }
      assertThat(store.deks().countWrapped("default", "tenants", 1, 2)).isZero();
    }
  }
}
