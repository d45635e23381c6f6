package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A namespace's secret guardrail binds every secret of the namespace: a grant on some names
 * ({@code admin} on {@code billing-*}) must not change it, as it may not change the namespace's
 * rotation or propagation policy.
 */
class NamespaceSettingsGrantTest {
  static final String NS = "guarded";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void adminOfSomeNames_cannotLoosenTheNamespaceGuardrail_anAdminOfEveryNameCan() {
    TestServer.Resp set = s.req("PUT", "/v1/secret-guardrail").token(TestServer.ROOT).namespace(NS)
        .json("{\"require_expiry\":true,\"max_lifetime\":\"P30D\"}").send();
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    String narrow = s.token("billing-admin", "admin", NS, "billing-*", null)[0];

    TestServer.Resp loosen = s.req("PUT", "/v1/secret-guardrail").token(narrow).namespace(NS)
        .json("{\"require_expiry\":false}").send();
    assertThat(loosen.status()).as(loosen.body()).isEqualTo(403);
    assertThat(loosen.errorCode()).isEqualTo("forbidden");
    TestServer.Resp now = s.req("GET", "/v1/secret-guardrail").token(TestServer.ROOT).namespace(NS).send();
    assertThat(now.json().get("require_expiry").asBoolean()).isTrue();
    // a secret outside the narrow admin's names still needs an expiry
    TestServer.Resp put = s.req("PUT", "/v1/secrets/payroll-db").token(TestServer.ROOT).namespace(NS)
        .json("{\"value\":\"v\"}").send();
    assertThat(put.status()).as(put.body()).isEqualTo(400);

    // reading it stays open to the narrow admin (it writes secrets under it)
    assertThat(s.req("GET", "/v1/secret-guardrail").token(narrow).namespace(NS).send().status()).isEqualTo(200);
    String wide = s.token("ns-admin", "admin", NS, "*", null)[0];
    TestServer.Resp byWide = s.req("PUT", "/v1/secret-guardrail").token(wide).namespace(NS)
        .json("{\"require_expiry\":false}").send();
    assertThat(byWide.status()).as(byWide.body()).isEqualTo(200);
  }
}
