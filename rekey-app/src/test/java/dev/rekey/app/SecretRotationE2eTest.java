package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.WebhookVerifyResponse;
import dev.rekey.client.SecretsClient;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.secret.rotation.DualKeyRotator;
import dev.rekey.core.secret.rotation.WebhookHmacRotator;
import dev.rekey.core.webhook.WebhookSignature;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotators end to end through the real server, CLI and SDK: generated, dual key, webhook HMAC with grace. */
class SecretRotationE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;
  static SecretsClient secrets;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
    secrets = E2e.client(server, ROOT_TOKEN).secrets();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void generated_throughTheCli_rotateShowsSucceeded_andTheValueFollowsThePolicy() {
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "put", "api-key", "--value", "first").exit()).isZero();
    E2e.Run configure = cli(url, ROOT_TOKEN, null, "secret", "rotation", "api-key", "--rotator", "generated",
        "--param", "length=48", "--param", "charset=base64url", "--param", "prefix=sk_", "--period", "P30D");
    assertThat(configure.exit()).as(configure.toString()).isZero();
    assertThat(configure.out()).contains("generated").contains("P30D");

    E2e.Run rotate = cli(url, ROOT_TOKEN, null, "secret", "rotate", "api-key");
    assertThat(rotate.exit()).as(rotate.toString()).isZero();
    assertThat(rotate.out()).contains("succeeded");

    String value = cli(url, ROOT_TOKEN, null, "secret", "get", "api-key").out();
    assertThat(value).matches("sk_[A-Za-z0-9_-]{48}");
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "get", "api-key", "--label", "PREVIOUS").out()).isEqualTo("first");
    E2e.Run status = cli(url, ROOT_TOKEN, null, "secret", "rotation", "api-key");
    assertThat(status.out()).contains("succeeded").contains("manual").doesNotContain(value);
  }

  @Test
  void dualKey_aClientHoldingTheActiveKeyStaysValidAcrossTheNextRotation() {
    secrets.put("bus-keys", "bootstrap");
    secrets.configureRotation("bus-keys", new SecretRotationConfigView("dual-key", Map.of(), null, null, null));
    String held = null;
    for (int i = 0; i < 4; i++) {
      assertThat(secrets.rotateAndWait("bus-keys", Duration.ofSeconds(30)).status()).isEqualTo("succeeded");
      byte[] value = secrets.read("bus-keys", null, null).value().getBytes(StandardCharsets.UTF_8);
      if (held != null) {
        assertThat(DualKeyRotator.parse(value).values()).contains(held);
      }
      held = DualKeyRotator.activeKey(value);
    }
  }

  @Test
  void webhookHmac_previousSecretVerifiesDuringGrace_andUnknownSignaturesFail() {
    secrets.put("hook", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    secrets.configureRotation("hook", new SecretRotationConfigView("webhook-hmac", Map.of("grace", "PT1H"), null, null,
        null));
    byte[] oldKey = WebhookHmacRotator.keyBytes(secrets.current("hook").getBytes(StandardCharsets.UTF_8));
    assertThat(secrets.rotateAndWait("hook", Duration.ofSeconds(30)).status()).isEqualTo("succeeded");
    byte[] newKey = WebhookHmacRotator.keyBytes(secrets.current("hook").getBytes(StandardCharsets.UTF_8));
    byte[] body = "{\"type\":\"invoice.paid\"}".getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();

    WebhookVerifyResponse byOld = secrets.verifyWebhook("hook", "msg_1", now,
        WebhookSignature.sign(SecretBytes.copyOf(oldKey), "msg_1", now, body), body);
    WebhookVerifyResponse byNew = secrets.verifyWebhook("hook", "msg_2", now,
        WebhookSignature.sign(SecretBytes.copyOf(newKey), "msg_2", now, body), body);
    WebhookVerifyResponse forged = secrets.verifyWebhook("hook", "msg_3", now,
        WebhookSignature.sign(SecretBytes.copyOf(new byte[] {1, 2, 3}), "msg_3", now, body), body);
    WebhookVerifyResponse stale = secrets.verifyWebhook("hook", "msg_4", now - 3600,
        WebhookSignature.sign(SecretBytes.copyOf(newKey), "msg_4", now - 3600, body), body);

    assertThat(byOld.valid()).isTrue();
    assertThat(byOld.version()).isEqualTo(1);
    assertThat(byNew.valid()).isTrue();
    assertThat(byNew.version()).isEqualTo(2);
    assertThat(forged.valid()).isFalse();
    assertThat(stale.valid()).isFalse();
    assertThat(stale.reason()).contains("tolerance");
  }
}
