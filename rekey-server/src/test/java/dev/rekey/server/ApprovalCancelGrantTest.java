package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling someone else's approval request ends it as a denial does: an approver may do it only
 * on the keys its approver grant covers, as for approve and deny.
 */
class ApprovalCancelGrantTest {
  static final String NS = "guarded";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    TestServer.Resp p = s.req("PUT", "/v1/approval-policy").token(TestServer.ROOT).namespace(NS)
        .json("{\"operations\":[\"key.destroy\"]}").send();
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    TestServer.Resp k = s.req("POST", "/v1/keys").token(TestServer.ROOT).namespace(NS)
        .json("{\"name\":\"payroll\"}").send();
    assertThat(k.status()).as(k.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static String requestDestroy(String token) {
    TestServer.Resp r = s.req("POST", "/v1/keys/payroll/versions/1/destroy").token(token).namespace(NS).send();
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("approval_required");
    return r.json().get("error").get("approval").get("id").asText();
  }

  @Test
  void approverOfOtherKeys_cannotCancelARequestAboutThisKey_oneCoveringItCan() {
    String requester = s.token("olivia", "admin", NS, "*", null)[0];
    String narrow = s.token("bill", "approver", NS, "billing-*", null)[0];
    String id = requestDestroy(requester);

    TestServer.Resp deny = s.req("POST", "/v1/approvals/" + id + "/deny").token(narrow).namespace(NS).send();
    assertThat(deny.status()).as(deny.body()).isEqualTo(403);
    TestServer.Resp cancel = s.req("POST", "/v1/approvals/" + id + "/cancel").token(narrow).namespace(NS).send();
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(403);
    TestServer.Resp still = s.req("GET", "/v1/approvals/" + id).token(requester).namespace(NS).send();
    assertThat(still.json().get("state").asText()).isEqualTo("pending");

    String covering = s.token("paula", "approver", NS, "payroll", null)[0];
    TestServer.Resp byCovering = s.req("POST", "/v1/approvals/" + id + "/cancel").token(covering).namespace(NS).send();
    assertThat(byCovering.status()).as(byCovering.body()).isEqualTo(200);
    assertThat(byCovering.json().get("state").asText()).isEqualTo("cancelled");
  }

  @Test
  void requester_cancelsItsOwnRequest() {
    String requester = s.token("rita", "admin", NS, "*", null)[0];
    String id = requestDestroy(requester);
    TestServer.Resp cancel = s.req("POST", "/v1/approvals/" + id + "/cancel").token(requester).namespace(NS).send();
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    assertThat(cancel.json().get("state").asText()).isEqualTo("cancelled");
  }
}
