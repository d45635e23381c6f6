package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a compromise: an emergency rotation revokes the old primary, which then neither decrypts
 * nor rewraps; only the admin-only emergency rewrap moves its data to the new primary.
 */
class EmergencyRewrapE2eTest {
  private static final byte[] PLAIN = "card 4111-1111".getBytes(StandardCharsets.UTF_8);

  @Test
  void revokedVersion_onlyTheEmergencyRewrapReadsIt(@TempDir Path dir) {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient admin = E2e.client(server, ROOT_TOKEN);
      admin.createKey("orders", null, null);
      String old = admin.encrypt("orders", PLAIN, null).ciphertext();
      admin.emergencyRotate("orders");

      assertDecryptionFailed(() -> admin.decrypt("orders", old, null));
      assertDecryptionFailed(() -> admin.rewrap("orders", old, null));
      String user = admin.createToken("app", List.of(new GrantView("crypto-user", "*", "*")), Duration.ofHours(1))
          .token();
      assertThatThrownBy(() -> E2e.client(server, user).emergencyRewrap("orders", old, null))
          .isInstanceOfSatisfying(RekeyClientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));

      E2e.Run moved = cli(server.url(), ROOT_TOKEN, old, "rewrap", "orders", "--emergency");
      assertThat(moved.exit()).as(moved.toString()).isZero();
      String fresh = moved.line();
      assertThat(fresh).startsWith("rekey:v2:");
      assertThat(admin.decrypt("orders", fresh, null)).isEqualTo(PLAIN);
      assertThat(admin.auditRecords(null, 1000).records()).anySatisfy(r -> {
        assertThat(r.action()).isEqualTo("emergency.rewrap");
        assertThat(r.outcome()).isEqualTo("allowed");
        assertThat(r.version()).isEqualTo(2);
      });
    }
  }

  private static void assertDecryptionFailed(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RekeyClientException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
  }
}
