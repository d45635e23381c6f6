package dev.rekey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;
  final ConfigLoader loader = new ConfigLoader(Map.of("DB_PASSWORD", "s3cret-db", "HSM_PIN", "hsm-pin-7391"));

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("rekey-" + System.nanoTime() + ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String base() {
    return "data_dir: " + dir + "\nseal:\n  type: shamir\n";
  }

  private void assertInvalid(String yaml, String... mentions) throws Exception {
    Path f = write(yaml);
    assertThatThrownBy(() -> loader.load(f)).as(yaml).isInstanceOf(ConfigLoader.InvalidConfigException.class)
        .message().contains(mentions);
  }

  @Test
  void validConfig_isParsedWithDefaults() throws Exception {
    ServerConfig c = loader.load(write(base()));
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    assertThat(c.storage().url()).isEqualTo("jdbc:sqlite:" + dir.resolve("rekey.db"));
    assertThat(c.seal().type()).isEqualTo("shamir");
    assertThat(c.tls()).isNull();
    assertThat(c.dev()).isFalse();
    assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.minimumDestroyWait()).isEqualTo(Duration.ofDays(7));
    assertThat(c.maxRequestBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
  }

  @Test
  void everySetting_isRead_andSecretsComeFromTheEnvironment_neverPrinted() throws Exception {
    ServerConfig c = loader.load(write("listen: 0.0.0.0:9443\ndata_dir: " + dir + "\n"
        + "storage:\n  url: jdbc:postgresql://db/rekey\n  user: rekey\n  password_env: DB_PASSWORD\n"
        + "seal:\n  type: pkcs11\n  pkcs11:\n    library: /usr/lib/softhsm/libsofthsm2.so\n    slot_list_index: 1\n"
        + "    pin_env: HSM_PIN\n    key_label: rekey-root\n"
        + "tls:\n  cert_file: /etc/rekey/cert.pem\n  key_file: /etc/rekey/key.pem\n"
        + "cache_ttl: PT2S\nminimum_destroy_days: 30\nmax_request_bytes: 4096\nevent_loops: 3\n"));
    assertThat(c.address()).isEqualTo("0.0.0.0:9443");
    assertThat(c.storage().password()).isEqualTo("s3cret-db");
    assertThat(c.seal().pin()).isEqualTo("hsm-pin-7391");
    assertThat(c.seal().slotListIndex()).isEqualTo(1);
    assertThat(c.tls().certFile()).isEqualTo(Path.of("/etc/rekey/cert.pem"));
    assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.minimumDestroyWait()).isEqualTo(Duration.ofDays(30));
    assertThat(c.maxRequestBytes()).isEqualTo(4096);
    assertThat(c.eventLoops()).isEqualTo(3);
    assertThat(c.toString()).doesNotContain("s3cret-db").doesNotContain("hsm-pin-7391");
  }

  @Test
  void outboundDeny_defaultsToMetadataRanges_andCanBeReplaced() throws Exception {
    assertThat(loader.load(write(base())).outboundPolicy().denied())
        .isEqualTo(dev.rekey.server.net.OutboundPolicy.DEFAULT_DENY);
    ServerConfig own = loader.load(write(base() + "outbound_deny:\n  - 10.0.0.0/8\n  - 169.254.0.0/16\n"));
    assertThat(own.outboundPolicy().denied()).containsExactly("10.0.0.0/8", "169.254.0.0/16");
    assertThat(own.outboundPolicy().refusal("10.2.3.4")).isNotNull();
    assertThat(loader.load(write(base() + "outbound_deny: []\n")).outboundPolicy().refusal("169.254.169.254")).isNull();
    assertInvalid(base() + "outbound_deny:\n  - metadata.internal\n", "outbound_deny", "metadata.internal");
    assertInvalid(base() + "outbound_deny:\n  - 10.0.0.0/40\n", "outbound_deny", "10.0.0.0/40");
  }

  @Test
  void eachInvalidSetting_givesAMessageNamingIt() throws Exception {
    assertInvalid(base() + "colour: blue\n", "unknown setting 'colour'");
    assertInvalid(base() + "tls:\n  cert: x\n", "unknown setting 'cert'");
    assertInvalid("seal:\n  type: shamir\n", "data_dir");
    assertInvalid(base() + "listen: nowhere\n", "listen");
    assertInvalid(base() + "listen: 127.0.0.1:70000\n", "listen");
    assertInvalid(base() + "listen: :8200\n", "listen");
    assertInvalid(base() + "storage:\n  url: mysql://x\n", "storage.url");
    assertInvalid(base() + "storage:\n  url: jdbc:postgresql://db/r\n  password_env: NOT_SET_ANYWHERE\n",
        "storage.password_env", "NOT_SET_ANYWHERE");
    assertInvalid("data_dir: " + dir + "\n", "seal.type");
    assertInvalid("data_dir: " + dir + "\nseal:\n  type: magic\n", "seal.type", "magic");
    assertInvalid("data_dir: " + dir + "\nseal:\n  type: file\n", "seal.file");
    assertInvalid("data_dir: " + dir + "\nseal:\n  type: pkcs11\n", "seal.pkcs11");
    assertInvalid("data_dir: " + dir + "\nseal:\n  type: pkcs11\n  pkcs11:\n    library: /l.so\n    key_label: k\n"
        + "    pin_env: NO_PIN_HERE\n", "seal.pkcs11.pin_env", "NO_PIN_HERE");
    assertInvalid(base() + "tls:\n  cert_file: /c.pem\n", "tls", "key_file");
    assertInvalid(base() + "cache_ttl: soon\n", "cache_ttl");
    assertInvalid(base() + "cache_ttl: PT10M\n", "cache_ttl");
    assertInvalid(base() + "cache_ttl: -PT1S\n", "cache_ttl");
    assertInvalid(base() + "minimum_destroy_days: 0\n", "minimum_destroy_days");
    assertInvalid(base() + "minimum_destroy_days: 400\n", "minimum_destroy_days");
    assertInvalid(base() + "max_request_bytes: 10\n", "max_request_bytes");
    assertInvalid(base() + "max_request_bytes: 100000000\n", "max_request_bytes");
    assertInvalid(base() + "event_loops: 0\n", "event_loops");
    assertInvalid(base() + "max_request_bytes: lots\n", "max_request_bytes");
    assertInvalid("", "is empty");
    assertInvalid("data_dir: [unclosed\n", "cannot be read");
  }

  @Test
  void severalProblems_areAllListed() throws Exception {
    assertInvalid("listen: bad\ncache_ttl: x\nevent_loops: 0\n", "listen", "data_dir", "seal.type", "cache_ttl",
        "event_loops");
  }

  @Test
  void nonLoopbackWithoutTls_isRefused_unlessTlsIsExplicitlyDisabled() throws Exception {
    for (String host : new String[] {"0.0.0.0", "10.1.2.3", "rekey.internal"}) {
      assertInvalid(base() + "listen: " + host + ":8200\n", "tls", host);
    }
    assertThat(loader.load(write(base() + "listen: 0.0.0.0:8200\ntls:\n  disable: true\n")).tls()).isNull();
    for (String host : new String[] {"127.0.0.1", "localhost"}) {
      assertThat(loader.load(write(base() + "listen: " + host + ":8200\n")).host()).isEqualTo(host);
    }
  }

  @Test
  void ipv6Loopback_inBrackets_isLoopbackAndUnbracketed() throws Exception {
    assertThat(loader.load(write(base() + "listen: \"[::1]:8200\"\n")).host()).isEqualTo("::1");
    assertInvalid(base() + "listen: \"[fd00::1]:8200\"\n", "tls", "fd00::1");
  }

  @Test
  void emptyFile_saysItIsEmpty() throws Exception {
    Path f = write("  \n");
    assertThatThrownBy(() -> loader.load(f)).isInstanceOf(ConfigLoader.InvalidConfigException.class)
        .hasMessageContaining("is empty");
  }

  @Test
  void missingFile_isReportedWithItsPath() {
    Path missing = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> loader.load(missing)).isInstanceOf(ConfigLoader.InvalidConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void schedulerInterval_defaultsToOneSecond_isRead_andValidated() throws Exception {
    assertThat(loader.load(write(base())).schedulerInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(loader.load(write(base() + "scheduler_interval: PT5S\n")).schedulerInterval())
        .isEqualTo(Duration.ofSeconds(5));
    assertInvalid(base() + "scheduler_interval: often\n", "scheduler_interval");
    assertInvalid(base() + "scheduler_interval: PT2H\n", "scheduler_interval");
  }

  @Test
  void minimumRotationPeriod_defaultsToAnHour_isRead_andValidated_andDevModeAllowsASecond() throws Exception {
    assertThat(loader.load(write(base())).minimumRotationPeriod()).isEqualTo(Duration.ofHours(1));
    assertThat(loader.load(write(base() + "minimum_rotation_period: P1D\n")).minimumRotationPeriod())
        .isEqualTo(Duration.ofDays(1));
    assertInvalid(base() + "minimum_rotation_period: hourly\n", "minimum_rotation_period");
    assertInvalid(base() + "minimum_rotation_period: PT0S\n", "minimum_rotation_period");
    assertInvalid(base() + "minimum_rotation_period: P400D\n", "minimum_rotation_period");
    assertThat(ServerConfig.dev("127.0.0.1", 0, dir, null).minimumRotationPeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void tokenMaxTtl_isNoLimitByDefault_isRead_andValidated() throws Exception {
    assertThat(loader.load(write(base())).tokenMaxTtl()).isNull();
    assertThat(loader.load(write(base() + "token_max_ttl: P32D\n")).tokenMaxTtl()).isEqualTo(Duration.ofDays(32));
    assertInvalid(base() + "token_max_ttl: monthly\n", "token_max_ttl");
    assertInvalid(base() + "token_max_ttl: PT10S\n", "token_max_ttl");
  }
}
