package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.SecretView;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group-committed secret puts are durable when acknowledged: concurrent writers put versions of
 * three secrets into a dev server in its own JVM, which is killed with SIGKILL mid-traffic. After a
 * restart on the same data directory every acknowledged version holds the value that was put.
 */
class SecretCrashSafetyE2eTest {
  static final int WRITERS = 8;

  record Acked(String name, int version, String value) {}

  @Test
  void sigkillLosesNoAcknowledgedSecretPut(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    int port = E2e.freePort();
    String url = "http://127.0.0.1:" + port;
    Process process = E2e.startServerProcess(data, port, dir.resolve("server.log"));

    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failuresBeforeKill = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int t = 0; t < WRITERS; t++) {
        int id = t;
        threads.add(new Thread(() -> {
          RekeyClient c = E2e.client(url, E2e.ROOT_TOKEN);
          for (int i = 0; !killed.get(); i++) {
            String name = "crash-" + (id % 3);
            String value = "writer " + id + " value " + i;
            try {
              SecretView v = c.secrets().put(name, value);
              acked.add(new Acked(name, v.latestVersion(), value));
            } catch (RuntimeException e) {
              if (!killed.get()) {
                failuresBeforeKill.add("writer " + id + ": " + e);
              }
              return;
            }
          }
        }, "secret-crash-writer-" + t));
      }
      threads.forEach(Thread::start);
      E2e.await("puts before the kill", Duration.ofSeconds(60),
          () -> acked.size() >= 300 || !failuresBeforeKill.isEmpty());
      assertThat(failuresBeforeKill).isEmpty();
    } finally {
      killed.set(true);
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
    }
    assertThat(threads).noneMatch(Thread::isAlive);
    assertThat(failuresBeforeKill).isEmpty();

    try (RekeyServer restarted = E2e.devServer(data)) {
      RekeyClient client = E2e.client(restarted, E2e.ROOT_TOKEN);
      for (Acked a : acked) {
        assertThat(client.secrets().read(a.name(), null, a.version()).value()).as(a.name() + " v" + a.version())
            .isEqualTo(a.value());
      }
    }
  }
}
