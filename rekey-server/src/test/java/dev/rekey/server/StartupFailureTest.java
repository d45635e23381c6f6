package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.server.config.ServerConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails half-way stops what it had started (threads, storage), as {@link Shutdown} promises. */
class StartupFailureTest {
  @TempDir Path dir;

  @Test
  void start_portTaken_throwsAndLeavesNoThreadsBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

      assertThatThrownBy(() -> RekeyServer.start(
          ServerConfig.dev("127.0.0.1", taken.getLocalPort(), dir, TestServer.ROOT)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not start");

      assertThat(serverThreadsStartedSince(before, 10_000)).isEmpty();
    }
  }

  @Test
  void start_afterAFailedStart_sameDataDirStartsAndIsUnsealed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> RekeyServer.start(
          ServerConfig.dev("127.0.0.1", taken.getLocalPort(), dir, TestServer.ROOT)))
          .isInstanceOf(IllegalStateException.class);
    }
    try (RekeyServer server = RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dir, TestServer.ROOT))) {
      assertThat(server.root().sealed()).isFalse();
      assertThat(server.port()).isPositive();
    }
  }

  /** Server threads (Vert.x and Rekey's own) started since {@code before} still alive after waiting up to {@code ms}. */
  private static List<String> serverThreadsStartedSince(Set<Thread> before, long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    List<String> alive;
    do {
      alive = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive())
          .map(Thread::getName)
          .filter(n -> n.startsWith("rekey-") || n.startsWith("vert.x-"))
          .toList();
      if (!alive.isEmpty()) {
        Thread.sleep(50);
      }
    } while (!alive.isEmpty() && System.currentTimeMillis() < deadline);
    return alive;
  }
}
