package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.server.RekeyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code rekey server} process on a data directory a live server holds stops at start-up:
 * exit 2 and one line naming the directory and the holder, no stack trace, and nothing in the
 * directory changed (its {@code node-id} still names the live server alone).
 */
class DataDirectoryLockE2eTest {
  @TempDir Path dir;

  @Test
  void secondServerProcess_onALiveServersDataDirectory_refusesToStart() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    try (RekeyServer live = E2e.devServer(data)) {
      String nodeIds = Files.readString(data.resolve("node-id"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = dir.resolve("second.log");
      Process second = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
          "dev.rekey.app.Main", "server", "--dev", "--data-dir", data.toString(), "--address", "127.0.0.1:0"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean exited;
      try {
        exited = second.waitFor(60, TimeUnit.SECONDS);
      } finally {
        // never left running, also when the wait fails (a second server that started would run on)
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log);

      assertThat(exited).as("the second server stopped; log:%n%s", output).isTrue();
      assertThat(second.exitValue()).as(output).isEqualTo(2);
      assertThat(output).contains("Error: the data directory " + data.toRealPath() + " is in use by another server"
          + " (process " + ProcessHandle.current().pid() + "); each server needs a data directory of its own");
      assertThat(output).doesNotContain("\tat ").doesNotContain("listening");
      assertThat(data.resolve("node-id")).hasContent(nodeIds);
      assertThat(E2e.client(live, E2e.ROOT_TOKEN).health().status()).isEqualTo("ok");
    }
  }
}
