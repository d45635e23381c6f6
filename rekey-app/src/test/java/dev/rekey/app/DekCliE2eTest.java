package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.server.RekeyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rekey dek ...} and {@code rekey rewrap-campaign ...} against a real server, through the SDK. */
class DekCliE2eTest {

  static E2e.Run ok(E2e.Run run) {
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  @Test
  void dekCommands_andACampaignControlledFromTheCli(@TempDir Path dir) {
    // campaigns start on request only here, so that the planner cannot start one first
    System.setProperty("rekey.rewrap.plannerInterval", "PT0S");
    RekeyServer booted;
    try {
      booted = E2e.devServer(dir.resolve("data"));
    } finally {
      System.clearProperty("rekey.rewrap.plannerInterval");
    }
    try (RekeyServer server = booted) {
      String url = server.url();
      String t = E2e.ROOT_TOKEN;
      ok(E2e.cli(url, t, null, "key", "create", "tenants"));
      assertThat(ok(E2e.cli(url, t, null, "dek", "create", "tenants", "acme")).out())
          .contains("Created data key of tenant acme under tenants: v1");
      String v1 = ok(E2e.cli(url, t, null, "dek", "get", "tenants", "acme")).out().strip();
      assertThat(Base64.getDecoder().decode(v1)).hasSize(32);
      ok(E2e.cli(url, t, null, "dek", "rotate", "tenants", "acme"));
      assertThat(ok(E2e.cli(url, t, null, "dek", "get", "tenants", "acme", "--version", "1")).out().strip())
          .isEqualTo(v1);
      assertThat(ok(E2e.cli(url, t, null, "dek", "show", "tenants", "acme")).out()).contains("v1").contains("v2");
      for (int i = 0; i < 20; i++) {
        ok(E2e.cli(url, t, null, "dek", "create", "tenants", "t" + i));
      }
      assertThat(ok(E2e.cli(url, t, null, "dek", "list", "tenants")).out()).contains("acme").contains("t19");
      E2e.Run missing = E2e.cli(url, t, null, "dek", "get", "tenants", "nobody");
      assertThat(missing.exit()).isNotZero();
      assertThat(missing.err()).contains("nobody");

      ok(E2e.cli(url, t, null, "key", "rotate", "tenants"));
      E2e.Run started = ok(E2e.cli(url, t, null, "rewrap-campaign", "start", "tenants", "--batch-size", "2",
          "--delay-ms", "60000"));
      assertThat(started.out()).contains("Started campaign").contains("v1 -> v2");
      String id = started.out().replaceAll("(?s).*campaign (\\d+).*", "$1");
      assertThat(ok(E2e.cli(url, t, null, "rewrap-campaign", "pause", id)).out()).contains("paused");
      assertThat(ok(E2e.cli(url, t, null, "rewrap-campaign", "resume", id)).out()).contains("running");
      assertThat(ok(E2e.cli(url, t, null, "rewrap-campaign", "throttle", id, "--delay-ms", "0", "--batch-size",
          "1000")).out()).contains("Throttled");
      assertThat(E2e.cli(url, t, null, "rewrap-campaign", "throttle", id).exit()).isNotZero();
      E2e.await("the campaign completes", Duration.ofSeconds(30), () ->
          E2e.cli(url, t, null, "rewrap-campaign", "status", id).out().contains("state:      completed"));
      assertThat(ok(E2e.cli(url, t, null, "rewrap-campaign", "status")).out()).contains("completed")
          .contains("tenants");
      assertThat(ok(E2e.cli(url, t, null, "dek", "get", "tenants", "acme", "--version", "1")).out().strip())
          .isEqualTo(v1);
      ok(E2e.cli(url, t, null, "key", "update", "tenants", "--min-decryption-version", "2"));
    }
  }
}
