package dev.rekey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code usage} and {@code metrics} settings. */
class UsageConfigTest {
  @TempDir Path dir;
  final ConfigLoader loader = new ConfigLoader(Map.of());

  private ServerConfig load(String extra) throws Exception {
    Path f = dir.resolve("rekey-" + System.nanoTime() + ".yaml");
    Files.writeString(f, "data_dir: " + dir + "\nseal:\n  type: shamir\n" + extra);
    return loader.load(f);
  }

  @Test
  void defaults_flushEveryTenSeconds_metricsNeedAToken() throws Exception {
    ServerConfig c = load("");
    assertThat(c.usage().flushInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.usage().metricsUnauthenticated()).isFalse();
    assertThat(ServerConfig.dev("127.0.0.1", 0, dir, null).usage()).isEqualTo(ServerConfig.UsageSettings.DEFAULTS);
  }

  @Test
  void settings_areRead() throws Exception {
    ServerConfig c = load("usage:\n  flush_interval: PT30S\nmetrics:\n  unauthenticated: true\n");
    assertThat(c.usage().flushInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.usage().metricsUnauthenticated()).isTrue();
    assertThat(c.withPort(9999).usage()).isEqualTo(c.usage());
  }

  @Test
  void badFlushInterval_isRefusedNamingTheSetting() {
    for (String bad : new String[] {"PT0S", "PT2H", "ten seconds"}) {
      assertThatThrownBy(() -> load("usage:\n  flush_interval: " + bad + "\n"))
          .isInstanceOf(ConfigLoader.InvalidConfigException.class).hasMessageContaining("usage.flush_interval");
    }
    assertThatThrownBy(() -> load("metrics:\n  open: true\n"))
        .isInstanceOf(ConfigLoader.InvalidConfigException.class).hasMessageContaining("open");
  }
}
