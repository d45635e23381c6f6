package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-person approval over HTTP, against a real server: a guarded operation is refused with the
 * approval it needs, runs once after another principal approved it, and the trail links them.
 */
class ApprovalEndpointsTest {
  static final String ROOT = TestServer.ROOT;
  @TempDir static Path dir;
  static TestServer s;
  static String officer;
  static String approver;
  static String outsider;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
    officer = s.token("olivia", "key-officer", "vault", "*", null)[0];
    approver = s.token("bob", "approver", "vault", "*", null)[0];
    outsider = s.token("eve", "approver", "other", "*", null)[0];
    TestServer.Resp r = s.req("PUT", "/v1/approval-policy").token(ROOT).namespace("vault")
        .json("{\"operations\":[\"key.destroy\",\"key.emergency-rotate\",\"secret.destroy\"],\"ttl\":\"PT1H\"}").send();
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("required_approvals").asInt()).isEqualTo(1);
    assertThat(r.json().get("updated_by").asText()).isEqualTo("root");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static TestServer.Resp post(String token, String path, String approval) {
    TestServer.Req req = s.req("POST", path).token(token).namespace("vault").json("{}");
    if (approval != null) {
      req.header("X-Rekey-Approval", approval);
    }
    return req.send();
  }

  private static void createKey(String name) {
    TestServer.Resp r = s.req("POST", "/v1/keys").token(ROOT).namespace("vault")
        .json("{\"name\":\"" + name + "\"}").send();
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void destroy_needsAnotherPrincipalsApproval_thenRunsOnce() {
    createKey("guarded");
    post(ROOT, "/v1/keys/guarded/rotate", null);
    String destroy = "/v1/keys/guarded/versions/1/schedule-destroy";

    long beforeAsking = s.lastAuditSeq();
    TestServer.Resp refused = post(officer, destroy, null);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("approval_required");
    JsonNode approval = refused.json().get("error").get("approval");
    String id = approval.get("id").asText();
    // the refused request's audit record names the approval request made for it
    assertThat(s.auditAfter(beforeAsking)).anySatisfy(r -> {
      assertThat(r.get("action").asText()).isEqualTo("key.lifecycle");
      assertThat(r.get("error_code").asText()).isEqualTo("approval_required");
      assertThat(String.valueOf(r.get("details"))).contains("\"approval\":\"" + id + "\"");
    });
    assertThat(approval.get("state").asText()).isEqualTo("pending");
    assertThat(approval.get("operation").asText()).isEqualTo("key.destroy");
    assertThat(approval.get("target").asText()).isEqualTo("keys/guarded/versions/1");
    assertThat(approval.get("requester").asText()).isEqualTo("olivia");
    assertThat(s.req("GET", "/v1/keys/guarded").token(ROOT).namespace("vault").send().json()
        .get("versions").get(0).get("state").asText()).isNotEqualTo("destroy_scheduled");

    // the requester may not approve its own request; someone outside the namespace cannot see it
    assertThat(post(officer, "/v1/approvals/" + id + "/approve", null).status()).isEqualTo(403);
    assertThat(s.req("POST", "/v1/approvals/" + id + "/approve").token(outsider).namespace("other").json("{}").send()
        .status()).isEqualTo(404);
    // sent with the approval before it is given: refused, nothing changed
    assertThat(post(officer, destroy, id).errorCode()).isEqualTo("illegal_state");

    TestServer.Resp approved = post(approver, "/v1/approvals/" + id + "/approve", null);
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    assertThat(approved.json().get("state").asText()).isEqualTo("approved");
    assertThat(approved.json().get("approvers").toString()).isEqualTo("[\"bob\"]");

    // another request (another version) cannot use it; neither can another principal
    assertThat(post(officer, "/v1/keys/guarded/versions/2/schedule-destroy", id).status()).isEqualTo(403);
    assertThat(post(ROOT, destroy, id).status()).isEqualTo(403);

    // the operation itself fails (an active version cannot be destroyed): the approval is given back
    TestServer.Resp early = post(officer, destroy, id);
    assertThat(early.errorCode()).as(early.body()).isEqualTo("illegal_state");
    assertThat(s.req("GET", "/v1/approvals/" + id).token(officer).namespace("vault").send().json()
        .get("state").asText()).isEqualTo("approved");
    assertThat(post(ROOT, "/v1/keys/guarded/versions/1/retire", null).status()).isEqualTo(200);

    long before = s.lastAuditSeq();
    TestServer.Resp done = post(officer, destroy, id);
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.json().get("versions").get(0).get("state").asText()).isEqualTo("destroy_scheduled");
    List<JsonNode> trail = s.auditAfter(before).stream()
        .filter(r -> r.get("action").asText().equals("key.lifecycle")).toList();
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).get("outcome").asText()).isEqualTo("allowed");
    assertThat(trail.get(0).get("principal").asText()).isEqualTo("olivia");
    assertThat(trail.get(0).get("details").toString()).contains("\"approval\":\"" + id + "\"")
        .contains("schedule-destroy");

    assertThat(post(officer, destroy, id).errorCode()).isEqualTo("illegal_state");
    assertThat(s.req("GET", "/v1/approvals/" + id).token(officer).namespace("vault").send().json()
        .get("state").asText()).isEqualTo("used");
  }

  @Test
  void askingAgain_namesTheSameRequest_andDenyOrCancelEndIt() {
    createKey("asked");
    String emergency = "/v1/keys/asked/emergency-rotate";
    String first = post(officer, emergency, null).json().get("error").get("approval").get("id").asText();
    String second = post(officer, emergency, null).json().get("error").get("approval").get("id").asText();
    assertThat(second).isEqualTo(first);

    long beforeDeny = s.lastAuditSeq();
    TestServer.Resp denied = post(approver, "/v1/approvals/" + first + "/deny", null);
    assertThat(denied.json().get("state").asText()).isEqualTo("denied");
    assertThat(denied.json().get("decided_by").asText()).isEqualTo("bob");
    // the trail tells a denial from an approval
    assertThat(s.auditAfter(beforeDeny)).anySatisfy(r -> assertThat(String.valueOf(r.get("details")))
        .contains(first).contains("\"decision\":\"deny\""));
    assertThat(post(officer, emergency, first).errorCode()).isEqualTo("illegal_state");

    String third = post(officer, emergency, null).json().get("error").get("approval").get("id").asText();
    assertThat(third).isNotEqualTo(first);
    long beforeCancel = s.lastAuditSeq();
    assertThat(post(officer, "/v1/approvals/" + third + "/cancel", null).json().get("state").asText())
        .isEqualTo("cancelled");
    // a cancellation is audited as one, not as a read
    assertThat(s.auditAfter(beforeCancel)).anySatisfy(r -> assertThat(String.valueOf(r.get("details")))
        .contains(third).contains("\"decision\":\"cancel\""));
  }

  @Test
  void identicalGuardedRequestsAtOnce_allNameOnePendingApproval() throws Exception {
    int senders = 8;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "raced-" + round;
        createKey(key);
        CyclicBarrier start = new CyclicBarrier(senders);
        List<Future<TestServer.Resp>> sent = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
          sent.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return post(officer, "/v1/keys/" + key + "/emergency-rotate", null);
          }));
        }
        Set<String> named = new HashSet<>();
        for (Future<TestServer.Resp> f : sent) {
          TestServer.Resp r = f.get(30, TimeUnit.SECONDS);
          assertThat(r.errorCode()).as(r.body()).isEqualTo("approval_required");
          named.add(r.json().get("error").get("approval").get("id").asText());
        }
        assertThat(named).as("approvals named in round " + round).hasSize(1);
        List<String> pending = new ArrayList<>();
        s.req("GET", "/v1/approvals?state=pending&limit=1000").token(approver).namespace("vault").send().json()
            .get("approvals").forEach(a -> {
              if (a.get("target").asText().equals("keys/" + key)) {
                pending.add(a.get("id").asText());
              }
            });
        assertThat(pending).containsExactlyElementsOf(named);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anApproval_isNotUsableForARequestWhoseQueryOnlyJoinsToTheSameText() {
    createKey("joined");
    // force is "true&x=1" here (not forced); with the approval, force=true and x=1 must not run
    String asked = "/v1/keys/joined/emergency-rotate?force=true%26x%3D1";
    String id = post(officer, asked, null).json().get("error").get("approval").get("id").asText();
    assertThat(post(approver, "/v1/approvals/" + id + "/approve", null).status()).isEqualTo(200);

    TestServer.Resp other = post(officer, "/v1/keys/joined/emergency-rotate?force=true&x=1", id);
    assertThat(other.status()).as(other.body()).isEqualTo(403);
    assertThat(other.errorCode()).isEqualTo("forbidden");
    // nor for one whose query value ends in a line break and the body, asked for without a body
    String withBreak = s.req("POST", "/v1/keys/joined/emergency-rotate?x=1%0A%7B%7D").token(officer)
        .namespace("vault").send().json().get("error").get("approval").get("id").asText();
    assertThat(post(approver, "/v1/approvals/" + withBreak + "/approve", null).status()).isEqualTo(200);
    TestServer.Resp smuggled = s.req("POST", "/v1/keys/joined/emergency-rotate?x=1").token(officer)
        .namespace("vault").json("{}\n").header("X-Rekey-Approval", withBreak).send();
    assertThat(smuggled.status()).as(smuggled.body()).isEqualTo(403);
    assertThat(post(officer, asked, id).status()).isEqualTo(200);
  }

  @Test
  void list_showsApproversEverything_andRequestersTheirOwn() {
    createKey("listed");
    String id = post(officer, "/v1/keys/listed/emergency-rotate", null).json().get("error").get("approval").get("id")
        .asText();
    String mine = s.token("mia", "key-officer", "vault", "*", null)[0];
    assertThat(s.req("GET", "/v1/approvals?state=pending").token(approver).namespace("vault").send().body())
        .contains(id);
    assertThat(s.req("GET", "/v1/approvals").token(mine).namespace("vault").send().json().get("approvals"))
        .isEmpty();
    assertThat(s.req("GET", "/v1/approvals/" + id).token(mine).namespace("vault").send().status()).isEqualTo(404);
    assertThat(s.req("GET", "/v1/approvals?state=bogus").token(approver).namespace("vault").send().errorCode())
        .isEqualTo("invalid_request");
  }

  @Test
  void approvers_mustBeIndependentOfTheRequester_andCoverTheKey() {
    createKey("lineage");
    String ada = s.token("ada", "admin", "vault", "*", null)[0];
    // ada makes an approver identity of her own, and a key officer who works for her
    TestServer.Resp alt = s.req("POST", "/v1/auth/tokens").token(ada).json("{\"principal\":\"alt\",\"grants\":"
        + "[{\"role\":\"approver\",\"namespace\":\"vault\",\"keys\":\"*\"}]}").send();
    assertThat(alt.status()).as(alt.body()).isEqualTo(201);
    TestServer.Resp olga = s.req("POST", "/v1/auth/tokens").token(ada).json("{\"principal\":\"olga\",\"grants\":"
        + "[{\"role\":\"key-officer\",\"namespace\":\"vault\",\"keys\":\"*\"}]}").send();
    String altToken = alt.json().get("token").asText();
    String olgaToken = olga.json().get("token").asText();

    String mine = post(ada, "/v1/keys/lineage/emergency-rotate", null).json().get("error").get("approval").get("id")
        .asText();
    TestServer.Resp byAlt = post(altToken, "/v1/approvals/" + mine + "/approve", null);
    assertThat(byAlt.errorCode()).isEqualTo("forbidden");
    assertThat(byAlt.json().get("error").get("message").asText()).contains("issued").contains("ada");

    String hers = post(olgaToken, "/v1/keys/lineage/emergency-rotate", null).json().get("error").get("approval")
        .get("id").asText();
    assertThat(post(ada, "/v1/approvals/" + hers + "/approve", null).errorCode()).isEqualTo("forbidden");

    // an approver whose grant covers other keys only may not decide on this one
    String scoped = s.token("sam", "approver", "vault", "other-*", null)[0];
    TestServer.Resp byScoped = post(scoped, "/v1/approvals/" + hers + "/approve", null);
    assertThat(byScoped.errorCode()).as(byScoped.body()).isEqualTo("forbidden");

    // bob, issued by root like ada, is independent of both
    TestServer.Resp approved = post(approver, "/v1/approvals/" + mine + "/approve", null);
    assertThat(approved.json().get("state").asText()).as(approved.body()).isEqualTo("approved");
    assertThat(approved.json().get("summary").asText()).contains("emergency rotation");
  }

  @Test
  void unguardedNamespaces_andOperations_runAtOnce() {
    createKey("free");
    assertThat(post(officer, "/v1/keys/free/rotate", null).status()).isEqualTo(200);
    TestServer.Resp other = s.req("POST", "/v1/keys").token(ROOT).json("{\"name\":\"elsewhere\"}").send();
    assertThat(other.status()).isEqualTo(201);
    assertThat(s.req("POST", "/v1/keys/elsewhere/emergency-rotate").token(ROOT).json("{}").send().status())
        .isEqualTo(200);
  }

  @Test
  void policyChanges_needApprovalOnceThereIsAPolicy() {
    TestServer.Resp change = s.req("PUT", "/v1/approval-policy").token(ROOT).namespace("vault")
        .json("{\"operations\":[\"key.export\"]}").send();
    assertThat(change.errorCode()).isEqualTo("approval_required");
    assertThat(change.json().get("error").get("approval").get("operation").asText())
        .isEqualTo("approval-policy.change");
    assertThat(s.req("DELETE", "/v1/approval-policy").token(ROOT).namespace("vault").send().errorCode())
        .isEqualTo("approval_required");
    assertThat(s.req("GET", "/v1/approval-policy").token(officer).namespace("vault").send().json()
        .get("operations").toString()).contains("key.destroy");
    assertThat(s.req("GET", "/v1/approval-policy").token(outsider).namespace("vault").send().errorCode())
        .isEqualTo("forbidden");
    assertThat(s.req("PUT", "/v1/approval-policy").token(officer).namespace("vault")
        .json("{\"operations\":[\"key.export\"]}").send().errorCode()).isEqualTo("forbidden");
    assertThat(s.req("PUT", "/v1/approval-policy").token(ROOT).namespace("fresh")
        .json("{\"operations\":[\"key.encrypt\"]}").send().errorCode()).isEqualTo("invalid_request");
    assertThat(s.req("PUT", "/v1/approval-policy").token(ROOT).namespace("fresh")
        .json("{\"operations\":[\"key.export\"],\"required_approvals\":9}").send().errorCode())
        .isEqualTo("invalid_request");
  }
}
