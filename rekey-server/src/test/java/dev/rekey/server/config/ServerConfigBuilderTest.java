package dev.rekey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ServerConfig#builder()} and {@link ServerConfig#toBuilder()}. */
class ServerConfigBuilderTest {
  private static final Path DIR = Path.of("/tmp/rekey-builder-test");

  @Test
  void dev_usesTheBuilderDefaults() {
    ServerConfig c = ServerConfig.dev("127.0.0.1", 0, DIR, "token-123");
    assertThat(c.dev()).isTrue();
    assertThat(c.devRootToken()).isEqualTo("token-123");
    assertThat(c.storage().url()).isEqualTo("jdbc:sqlite:" + DIR.resolve("rekey.db"));
    assertThat(c.seal().type()).isEqualTo("file");
    assertThat(c.tls()).isNull();
    assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.minimumDestroyWait()).isEqualTo(Duration.ofDays(1));
    assertThat(c.maxRequestBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
    assertThat(c.eventLoops()).isEqualTo(ServerConfig.defaultEventLoops());
    assertThat(c.jwksOverlap()).isEqualTo(ServerConfig.DEFAULT_JWKS_OVERLAP);
    assertThat(c.usage()).isEqualTo(ServerConfig.UsageSettings.DEFAULTS);
    assertThat(c.keyExportEnabled()).isFalse();
    assertThat(c.schedulerInterval()).isEqualTo(ServerConfig.DEFAULT_SCHEDULER_INTERVAL);
  }

  @Test
  void toBuilder_unchanged_buildsAnEqualConfig() {
    ServerConfig c = ServerConfig.dev("127.0.0.1", 8300, DIR, null).toBuilder().eventLoops(3).maxRequestBytes(4096)
        .keyExportEnabled(true).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void toBuilder_oneSetting_changesOnlyThatSetting() {
    ServerConfig c = ServerConfig.dev("127.0.0.1", 8300, DIR, null);
    ServerConfig changed = c.toBuilder().cacheTtl(Duration.ZERO).build();
    assertThat(changed.cacheTtl()).isEqualTo(Duration.ZERO);
    assertThat(changed.withCacheTtl(c.cacheTtl())).isEqualTo(c);
  }

  @Test
  void build_noStorage_throwsSayingWhatToSet() {
    assertThatThrownBy(() -> ServerConfig.builder().host("127.0.0.1")
        .seal(new ServerConfig.SealSettings("shamir", null, null, null, null, null)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage is required");
  }

  @Test
  void build_noHost_throws() {
    assertThatThrownBy(() -> ServerConfig.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("host is required");
  }
}
