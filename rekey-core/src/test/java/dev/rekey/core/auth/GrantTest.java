package dev.rekey.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrantTest {
  @Test
  void globs_matchRunsOfCharacters() {
    assertThat(Grant.matches("*", "orders")).isTrue();
    assertThat(Grant.matches("billing-*", "billing-x")).isTrue();
    assertThat(Grant.matches("billing-*", "billing-")).isTrue();
    assertThat(Grant.matches("billing-*", "other-billing-x")).isFalse();
    assertThat(Grant.matches("*-x", "billing-x")).isTrue();
    assertThat(Grant.matches("a*b*c", "aXbYc")).isTrue();
    assertThat(Grant.matches("a*b*c", "aXbYcd")).isFalse();
    assertThat(Grant.matches("a*a", "a")).isFalse();
    assertThat(Grant.matches("orders", "orders")).isTrue();
    assertThat(Grant.matches("orders", "orders2")).isFalse();
    assertThat(Grant.matches("**", "x")).isTrue();
    assertThat(Grant.matches("*", null)).isTrue();
    assertThat(Grant.matches("**", null)).isTrue();
    assertThat(Grant.matches("a*", null)).isFalse();
  }

  @Test
  void aPatternWithManyStars_isMatchedInPolynomialTime() {
    // 26 stars against 63 characters: the recursive matcher tried every split (about 10^20)
    String glob = "*a".repeat(26) + "*b";
    Grant g = new Grant(Role.CRYPTO_USER, "default", glob);
    String key = "a".repeat(63);
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      assertThat(g.allows(Action.ENCRYPT, "default", key)).isFalse();
      assertThat(g.allows(Action.ENCRYPT, "default", key + "b")).isTrue();
      assertThat(Grant.matches("*".repeat(128), "x".repeat(128))).isTrue();
    });
  }

  @Test
  void tokenActions_followTheRoleWhateverTheRequestsNamespace() {
    Grant nsAdmin = new Grant(Role.ADMIN, "payments", "card-*");
    for (Action a : java.util.List.of(Action.TOKEN_CREATE, Action.TOKEN_READ, Action.TOKEN_REVOKE)) {
      assertThat(a.onTokens()).as(a.name()).isTrue();
      // TokenService checks each token's grants against the caller's; the header namespace is irrelevant
      assertThat(nsAdmin.allows(a, "default", null)).as(a.name()).isTrue();
      assertThat(nsAdmin.allows(a, "payments", null)).as(a.name()).isTrue();
      assertThat(new Grant(Role.CRYPTO_USER, "*", "*").allows(a, "payments", null)).as(a.name()).isFalse();
    }
    assertThat(Action.ENCRYPT.onTokens()).isFalse();
    assertThat(Action.TOKEN_SELF.onTokens()).isFalse();
  }

  @Test
  void serverWideActions_needAGrantOnEveryNamespace() {
    Grant nsAdmin = new Grant(Role.ADMIN, "payments", "*");
    Grant admin = Grant.everywhere(Role.ADMIN);
    for (Action a : java.util.List.of(Action.SYSTEM_SEAL, Action.SYSTEM_ROTATE_ROOT, Action.AUDIT_READ,
        Action.METRICS_READ, Action.WEBHOOK_MANAGE, Action.WEBHOOK_READ, Action.EVENT_READ)) {
      assertThat(a.global()).as(a.name()).isTrue();
      assertThat(nsAdmin.allows(a, "payments", null)).as(a.name()).isFalse();
      assertThat(admin.allows(a, "payments", null)).as(a.name()).isTrue();
      // every namespace but only some names: not a server admin either
      assertThat(new Grant(Role.ADMIN, "*", "billing-*").allows(a, "payments", null)).as(a.name()).isFalse();
    }
    assertThat(new Grant(Role.AUDITOR, "*", "billing-*").allows(Action.AUDIT_READ, "payments", null)).isFalse();
    assertThat(new Grant(Role.AUDITOR, "pay*", "*").allows(Action.AUDIT_READ, "payments", null)).isFalse();
    assertThat(new Grant(Role.AUDITOR, "*", "*").allows(Action.AUDIT_READ, "payments", null)).isTrue();
    // namespace actions stay per namespace
    assertThat(nsAdmin.allows(Action.POLICY_APPLY, "payments", null)).isTrue();
    assertThat(nsAdmin.allows(Action.POLICY_APPLY, "default", null)).isFalse();
    assertThat(nsAdmin.allows(Action.KEY_CREATE, "payments", "k")).isTrue();
  }

  @Test
  void listings_areAllowedOnAGrantForSomeNames_andFilteredPerName() {
    Grant billing = new Grant(Role.CRYPTO_USER, "default", "billing-*");
    assertThat(billing.allows(Action.KEY_READ, "default", null)).isTrue();
    assertThat(billing.allows(Action.SECRET_LIST, "default", null)).isTrue();
    assertThat(billing.allows(Action.SECRET_LIST, "other", null)).isFalse();
    assertThat(billing.allows(Action.SECRET_LIST, "default", "payroll-db")).isFalse();
    assertThat(billing.allows(Action.SECRET_READ, "default", null)).isFalse();
  }

  @Test
  void namespaceActionsAboutOneKey_stayWithinTheKeyPattern() {
    Grant officer = new Grant(Role.KEY_OFFICER, "default", "billing-*");
    assertThat(officer.allows(Action.CONSUMER_MANAGE, "default", null)).isTrue();
    assertThat(officer.allows(Action.CONSUMER_MANAGE, "default", "billing-x")).isTrue();
    assertThat(officer.allows(Action.CONSUMER_MANAGE, "default", "orders")).isFalse();
    assertThat(officer.allows(Action.REWRAP_CAMPAIGN_MANAGE, "default", "orders")).isFalse();
    assertThat(Grant.everywhere(Role.KEY_OFFICER).allows(Action.CONSUMER_MANAGE, "default", "orders")).isTrue();
  }
}
