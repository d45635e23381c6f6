package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.server.RekeyServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-person approval end to end, through the real CLI and SDK against a real server: a key
 * officer's emergency rotation in a guarded namespace waits for an approver, then runs once.
 */
class ApprovalE2eTest {

  private static E2e.Run ok(E2e.Run run) {
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  @Test
  void emergencyRotation_waitsForAnotherPrincipal_throughCliAndSdk(@TempDir Path dir) {
    try (RekeyServer server = E2e.devServer(dir.resolve("data"))) {
      String url = server.url();
      RekeyClient root = E2e.client(server, E2e.ROOT_TOKEN).withNamespace("payments");
      String officer = root.createToken("olivia", List.of(new GrantView("key-officer", "payments", "*")), null).token();
      String approver = root.createToken("bob", List.of(new GrantView("approver", "payments", "*")), null).token();
      root.createKey("card-data", null, null);

      assertThat(ok(E2e.cli(url, E2e.ROOT_TOKEN, null, "approval", "set-policy", "--namespace", "payments",
          "--operation", "key.emergency-rotate", "--operation", "key.destroy", "--ttl", "PT2H")).out())
          .contains("key.destroy, key.emergency-rotate").contains("PT2H");

      // the CLI: refused with the approval to ask for, approved by another principal, then run once
      E2e.Run refused = E2e.cli(url, officer, null, "key", "emergency-rotate", "card-data", "--namespace", "payments");
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("(approval_required)").contains("rekey approval approve apr_");
      String id = refused.err().replaceAll("(?s).*Approval (apr_[0-9a-f]+) is pending.*", "$1");
      assertThat(id).startsWith("apr_");

      assertThat(ok(E2e.cli(url, approver, null, "approval", "list", "--state", "pending", "--namespace",
          "payments")).out()).contains(id).contains("olivia").contains("keys/card-data");
      E2e.Run selfApproval = E2e.cli(url, officer, null, "approval", "approve", id, "--namespace", "payments");
      assertThat(selfApproval.exit()).isEqualTo(1);
      assertThat(selfApproval.err()).contains("(forbidden)");
      assertThat(ok(E2e.cli(url, approver, null, "approval", "approve", id, "--namespace", "payments")).out())
          .contains("state:      approved").contains("bob (1 of 1)");

      assertThat(ok(E2e.cli(url, officer, null, "key", "emergency-rotate", "card-data", "--namespace", "payments",
          "--approval", id)).out()).contains("1");
      assertThat(root.getKey("card-data").versions().get(0).state()).isEqualTo("revoked");
      E2e.Run again = E2e.cli(url, officer, null, "key", "emergency-rotate", "card-data", "--namespace", "payments",
          "--approval", id);
      assertThat(again.err()).contains("(illegal_state)").contains("used");

      // the SDK: the refusal carries the approval; withApproval runs the same call once approved
      RekeyClient olivia = E2e.client(server, officer).withNamespace("payments");
      RekeyClientException e = catchThrowableOfType(RekeyClientException.class,
          () -> olivia.emergencyRotate("card-data", 2));
      assertThat(e.code()).isEqualTo(ErrorCode.APPROVAL_REQUIRED);
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.approval().operation()).isEqualTo("key.emergency-rotate");
      RekeyClient bob = E2e.client(server, approver).withNamespace("payments");
      assertThat(bob.approvals().approve(e.approval().id()).state()).isEqualTo("approved");
      assertThat(olivia.withApproval(e.approval().id()).emergencyRotate("card-data", 2).versions().get(1).state())
          .isEqualTo("revoked");
      assertThat(bob.approvals().get(e.approval().id()).state()).isEqualTo("used");
      assertThat(olivia.approvals().list(null, null, null).approvals()).hasSize(2);
    }
  }
}
