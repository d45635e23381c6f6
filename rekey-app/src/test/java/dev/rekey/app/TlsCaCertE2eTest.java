package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose certificate no public CA signed, reached by the real CLI and SDK: refused by the
 * JDK's default trust store, trusted with {@code --ca-cert} / REKEY_CACERT.
 */
class TlsCaCertE2eTest {

  @Test
  void privateCaCertificate_isTrustedOnlyWhenGiven(@TempDir Path dir) throws Exception {
    dev.rekey.core.testing.SelfSignedTls.Pems tls = dev.rekey.core.testing.SelfSignedTls.create(dir);
    Path[] pems = {tls.certFile(), tls.keyFile()};
    Path data = Files.createDirectories(dir.resolve("data"));
    ServerConfig config = ServerConfig.dev("127.0.0.1", 0, data, E2e.ROOT_TOKEN).toBuilder()
        .tls(new ServerConfig.TlsSettings(pems[0], pems[1])).build();
    try (RekeyServer server = RekeyServer.start(config)) {
      assertThat(server.url()).startsWith("https://");

      E2e.Run untrusted = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "key", "create", "over-tls");
      assertThat(untrusted.exit()).as(untrusted.toString()).isNotZero();
      assertThat(untrusted.err()).doesNotContain(E2e.ROOT_TOKEN).doesNotContain("\tat ");

      E2e.Run trusted = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "key", "create", "over-tls", "--ca-cert",
          pems[0].toString());
      assertThat(trusted.exit()).as(trusted.toString()).isZero();

      E2e.Run missing = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "key", "list", "--ca-cert",
          dir.resolve("absent.pem").toString());
      assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
      assertThat(missing.err()).contains("cannot read CA certificates");
      E2e.Run notPem = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "key", "list", "--ca-cert", pems[1].toString());
      assertThat(notPem.exit()).as(notPem.toString()).isEqualTo(2);

      // the SDK reads the same from the environment
      RekeyClient sdk = RekeyClient.builder().caCertificates(pems[0]).address(server.url()).token(E2e.ROOT_TOKEN)
          .build();
      assertThat(sdk.getKey("over-tls").name()).isEqualTo("over-tls");
      RekeyClient fromEnv = dev.rekey.client.RekeyClientBuilder.fromEnvironment(Map.of("REKEY_ADDR", server.url(),
          "REKEY_TOKEN", E2e.ROOT_TOKEN, "REKEY_CACERT", pems[0].toString())).build();
      assertThat(fromEnv.getKey("over-tls").name()).isEqualTo("over-tls");
    }
  }
}
