package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.InitResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.core.testing.SoftHsm;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 seal against a real SoftHSM2 token: init, keys, and a restart that unseals through
 * the HSM alone. Fails (never skips) when SoftHSM2 is missing.
 */
class Pkcs11E2eTest {

  @Test
  void initKeysRestartAutoUnseals(@TempDir Path dir) {
    String label = SoftHsm.uniqueLabel();
    SoftHsm.config(label); // fails with instructions when SoftHSM2 or SOFTHSM2_CONF is missing
    ServerConfig config = E2e.config(dir, E2e.sqlite(dir),
        new ServerConfig.SealSettings("pkcs11", null, SoftHsm.LIBRARY.toString(), 0, SoftHsm.PIN, label),
        Duration.ofSeconds(1));
    byte[] plaintext = "hsm-protected".getBytes(StandardCharsets.UTF_8);
    String rootToken;
    String ciphertext;
    try (RekeyServer server = RekeyServer.start(config)) {
      RekeyClient anonymous = E2e.client(server, null);
      assertThat(anonymous.health().status()).isEqualTo("uninitialized");
      InitResponse init = anonymous.init(null, null);
      assertThat(init.shares() == null || init.shares().isEmpty()).isTrue();
      rootToken = init.rootToken();
      assertThat(anonymous.health().status()).isEqualTo("ok");
      assertThat(anonymous.sealStatus().sealType()).isEqualTo("pkcs11");

      RekeyClient client = E2e.client(server, rootToken);
      client.createKey("hsm", null, null);
      ciphertext = client.encrypt("hsm", plaintext, null).ciphertext();
      client.rotateKey("hsm", true);
      assertThat(client.decrypt("hsm", ciphertext, null)).isEqualTo(plaintext);
    }
    try (RekeyServer server = RekeyServer.start(config)) {
      RekeyClient client = E2e.client(server, rootToken);
      assertThat(client.health().status()).isEqualTo("ok");
      assertThat(client.decrypt("hsm", ciphertext, null)).isEqualTo(plaintext);
      assertThat(client.encrypt("hsm", plaintext, null).version()).isEqualTo(2);
      E2e.Run rotate = E2e.cli(server.url(), rootToken, null, "operator", "rotate-root");
      assertThat(rotate.exit()).as(rotate.toString()).isZero();
      assertThat(client.decrypt("hsm", ciphertext, null)).isEqualTo(plaintext);
      assertThat(client.verifyAudit().valid()).isTrue();
    }
    try (RekeyServer server = RekeyServer.start(config)) {
      assertThat(E2e.client(server, rootToken).decrypt("hsm", ciphertext, null)).isEqualTo(plaintext);
    }
  }
}
