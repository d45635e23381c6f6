package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.AuditRecordView;
import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one way material leaves Rekey, through the real server, SDK and CLI: only with the server
 * policy on, only for keys created exportable, only for admins; audited without the material.
 */
class KeyExportE2eTest {
  private static final byte[] MESSAGE = "signed elsewhere".getBytes(StandardCharsets.UTF_8);

  @Test
  void exportableEd25519_exportedByCli_signsWhatRekeyVerifies_andTheAuditHasNoMaterial(@TempDir Path dir)
      throws Exception {
    try (RekeyServer server = RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dir, ROOT_TOKEN).withKeyExport(true))) {
      String url = server.url();
      RekeyClient admin = E2e.client(server, ROOT_TOKEN);
      assertThat(cli(url, ROOT_TOKEN, null, "key", "create", "portable", "--type", "ed25519", "--exportable").exit())
          .isZero();
      assertThat(admin.getKey("portable").exportable()).isTrue();

      E2e.Run exported = cli(url, ROOT_TOKEN, null, "key", "export", "portable");
      assertThat(exported.exit()).as(exported.toString()).isZero();
      String pem = exported.out().strip();
      Signature jdk = Signature.getInstance("Ed25519");
      jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
          Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")))));
      jdk.update(MESSAGE);
      String signature = "rekey:v1:" + Base64.getEncoder().encodeToString(jdk.sign());
      assertThat(admin.signing().verify("portable", MESSAGE, signature).valid()).isTrue();

      // A crypto user may sign with the key but not take it away.
      String user = admin.createToken("app", List.of(new GrantView("crypto-user", "*", "*")), Duration.ofHours(1))
          .token();
      assertThatThrownBy(() -> E2e.client(server, user).exportKey("portable", null))
          .isInstanceOfSatisfying(RekeyClientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));

      // A key created without --exportable stays in.
      assertThat(cli(url, ROOT_TOKEN, null, "key", "create", "resident").exit()).isZero();
      E2e.Run refused = cli(url, ROOT_TOKEN, null, "key", "export", "resident");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("not exportable");

      List<AuditRecordView> exports = admin.auditRecords(null, 1000).records().stream()
          .filter(r -> "key.export".equals(r.action())).toList();
      assertThat(exports).extracting(AuditRecordView::outcome).containsExactly("allowed", "denied", "denied");
      String pemBody = pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      assertThat(exports.toString()).doesNotContain(pemBody);
      assertThat(exports.get(0).key()).isEqualTo("portable");
      assertThat(exports.get(0).version()).isEqualTo(1);
    }
  }

  @Test
  void serverPolicyOff_byDefault_refusesExportOfAnExportableKey(@TempDir Path dir) {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient admin = E2e.client(server, ROOT_TOKEN);
      admin.createKey(new dev.rekey.api.CreateKeyRequest("portable", "aes256-gcm", null, true));

      assertThatThrownBy(() -> admin.exportKey("portable", null))
          .isInstanceOfSatisfying(RekeyClientException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.getMessage()).contains("key_export.enabled");
          });
    }
  }
}
