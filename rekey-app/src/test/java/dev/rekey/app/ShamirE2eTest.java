package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.Health;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Shamir seal through the CLI: init with 5 shares and threshold 3, unseal, restart sealed, unseal again. */
class ShamirE2eTest {

  @Test
  void initUnsealRestartUnseal(@TempDir Path dir) {
    ServerConfig config = E2e.config(dir, E2e.sqlite(dir),
        new ServerConfig.SealSettings("shamir", null, null, null, null, null), Duration.ofSeconds(1));
    List<String> shares = new ArrayList<>();
    String rootToken = null;
    String ciphertext;
    byte[] plaintext = "shamir-protected".getBytes(StandardCharsets.UTF_8);
    try (RekeyServer server = RekeyServer.start(config)) {
      RekeyClient anonymous = E2e.client(server, null);
      Health health = anonymous.health();
      assertThat(health.status()).isEqualTo("uninitialized");
      assertThat(health.initialized()).isFalse();
      assertThat(health.sealed()).isTrue();

      E2e.Run init = E2e.cli(server.url(), null, null, "operator", "init", "--shares", "5", "--threshold", "3");
      assertThat(init.exit()).as(init.toString()).isZero();
      for (String line : init.out().lines().toList()) {
        if (line.startsWith("Unseal share ")) {
          shares.add(line.substring(line.indexOf(": ") + 2).trim());
        } else if (line.startsWith("Root token: ")) {
          rootToken = line.substring("Root token: ".length()).trim();
        }
      }
      assertThat(shares).hasSize(5).doesNotHaveDuplicates();
      assertThat(rootToken).isNotBlank();

      // a second init is refused
      E2e.Run again = E2e.cli(server.url(), null, null, "operator", "init", "--shares", "5", "--threshold", "3");
      assertThat(again.exit()).isEqualTo(1);
      assertThat(again.err()).contains("(already_initialized)");

      unsealUntilOpen(server.url(), shares.subList(0, 3));
      assertThat(anonymous.health().status()).isEqualTo("ok");

      RekeyClient client = E2e.client(server, rootToken);
      client.createKey("vault", null, null);
      ciphertext = client.encrypt("vault", plaintext, null).ciphertext();
      assertThat(client.decrypt("vault", ciphertext, null)).isEqualTo(plaintext);
    }

    try (RekeyServer server = RekeyServer.start(config)) {
      RekeyClient anonymous = E2e.client(server, null);
      Health health = anonymous.health();
      assertThat(health.status()).isEqualTo("sealed");
      assertThat(health.initialized()).isTrue();

      RekeyClient client = E2e.client(server, rootToken);
      assertThat(catchCode(() -> client.decrypt("vault", ciphertext, null))).isEqualTo("sealed");

      // two shares (a different pair from the first time) are not enough
      for (String share : List.of(shares.get(4), shares.get(2))) {
        E2e.Run run = E2e.cli(server.url(), null, null, "operator", "unseal", share);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("sealed:       true");
      }
      assertThat(anonymous.sealStatus().progress()).isEqualTo(2);
      assertThat(anonymous.health().status()).isEqualTo("sealed");
      assertThat(catchCode(() -> client.decrypt("vault", ciphertext, null))).isEqualTo("sealed");

      // the third share, on stdin this time
      E2e.Run third = E2e.cli(server.url(), null, shares.get(0) + "\n", "operator", "unseal");
      assertThat(third.exit()).as(third.toString()).isZero();
      assertThat(third.out()).contains("sealed:       false");
      assertThat(anonymous.health().status()).isEqualTo("ok");
      assertThat(client.decrypt("vault", ciphertext, null)).isEqualTo(plaintext);
      assertThat(client.verifyAudit().valid()).isTrue();

      // sealing through the CLI drops the key again; a garbage share is refused, the right three unseal
      E2e.Run seal = E2e.cli(server.url(), rootToken, null, "operator", "seal");
      assertThat(seal.exit()).as(seal.toString()).isZero();
      assertThat(anonymous.health().status()).isEqualTo("sealed");
      E2e.Run garbage = E2e.cli(server.url(), null, null, "operator", "unseal", "not-a-share");
      assertThat(garbage.exit()).as(garbage.toString()).isEqualTo(1);
      assertThat(garbage.err()).startsWith("Error: ");
      assertThat(anonymous.health().status()).isEqualTo("sealed");
      E2e.cli(server.url(), null, null, "operator", "unseal", "--reset");
      unsealUntilOpen(server.url(), List.of(shares.get(1), shares.get(3), shares.get(4)));
      assertThat(client.decrypt("vault", ciphertext, null)).isEqualTo(plaintext);
    }
  }

  private static void unsealUntilOpen(String url, List<String> shares) {
    for (int i = 0; i < shares.size(); i++) {
      E2e.Run run = E2e.cli(url, null, null, "operator", "unseal", shares.get(i));
      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(run.out()).contains(i < shares.size() - 1 ? "sealed:       true" : "sealed:       false");
    }
  }

  static String catchCode(Runnable r) {
    try {
      r.run();
      return null;
    } catch (dev.rekey.client.RekeyClientException e) {
      return e.wireCode();
    }
  }
}
