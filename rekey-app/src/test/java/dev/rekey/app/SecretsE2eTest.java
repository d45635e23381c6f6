package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.api.SecretValueResponse;
import dev.rekey.api.SecretView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.client.SecretsClient;
import dev.rekey.server.RekeyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets through the real server, CLI and SDK: labels, check-and-set, guardrail, roles, restart, audit. */
class SecretsE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;
  static RekeyClient admin;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
    admin = E2e.client(server, ROOT_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void putGetHistoryAndLabels_throughTheCli() {
    assertThat(cli(url, ROOT_TOKEN, "postgres://app:s3cret-one@db/app", "secret", "put", "db-url").exit()).isZero();
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "put", "db-url", "--value", "postgres://app:s3cret-two@db/app",
        "--cas", "1").exit()).isZero();
    E2e.Run conflict = cli(url, ROOT_TOKEN, null, "secret", "put", "db-url", "--value", "lost", "--cas", "1");
    assertThat(conflict.exit()).isNotZero();
    assertThat(conflict.err()).contains("check-and-set failed");

    assertThat(cli(url, ROOT_TOKEN, null, "secret", "get", "db-url").out()).isEqualTo("postgres://app:s3cret-two@db/app");
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "get", "db-url", "--label", "PREVIOUS").out())
        .isEqualTo("postgres://app:s3cret-one@db/app");
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "label", "db-url", "blue", "1").exit()).isZero();
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "get", "db-url", "--label", "blue").out()).contains("s3cret-one");

    E2e.Run history = cli(url, ROOT_TOKEN, null, "secret", "history", "db-url");
    assertThat(history.out()).contains("CURRENT").contains("PREVIOUS,blue").doesNotContain("s3cret");
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "list").out()).contains("db-url").doesNotContain("s3cret");

    // roll back to the previous value by moving CURRENT
    assertThat(cli(url, ROOT_TOKEN, null, "secret", "label", "db-url", "CURRENT", "1").exit()).isZero();
    assertThat(admin.secrets().current("db-url")).contains("s3cret-one");
  }

  @Test
  void pendingVersion_isInvisibleToCurrentReaders_untilPromoted() {
    SecretsClient s = admin.secrets();
    s.put("api-key", "key-1");
    s.put("api-key", new dev.rekey.api.SecretPutRequest("key-2", null, null, null, null, true, null));

    assertThat(s.current("api-key")).isEqualTo("key-1");
    assertThat(s.read("api-key", "PENDING", null).value()).isEqualTo("key-2");
    SecretView promoted = s.label("api-key", "CURRENT", 2);
    assertThat(promoted.currentVersion()).isEqualTo(2);
    assertThat(promoted.previousVersion()).isEqualTo(1);
    assertThat(promoted.pendingVersion()).isNull();
  }

  /** A put's answer stays small however long the history: the new version and the labelled ones. */
  @Test
  void putAnswer_listsTheNewAndLabelledVersions_metadataListsAll() {
    SecretsClient s = admin.secrets();
    for (int i = 1; i <= 6; i++) {
      s.put("history", "value-" + i);
    }
    s.label("history", "blue", 2);

    SecretView written = s.put("history", "value-7");

    assertThat(written.latestVersion()).isEqualTo(7);
    assertThat(written.currentVersion()).isEqualTo(7);
    assertThat(written.versions()).extracting(v -> v.version()).containsExactly(2, 6, 7);
    assertThat(s.metadata("history").versions()).hasSize(7);
  }

  @Test
  void guardrail_deniesSecretsWithoutExpiry_inItsNamespaceOnly() {
    SecretsClient strict = admin.withNamespace("strict").secrets();
    assertThat(cli(url, ROOT_TOKEN, null, "--namespace", "strict", "secret", "guardrail", "--require-expiry",
        "--max-lifetime", "P90D").exit()).isZero();

    assertThatThrownBy(() -> strict.put("token", "t"))
        .isInstanceOfSatisfying(RekeyClientException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("denies secrets without an expiry");
        });
    assertThatThrownBy(() -> strict.put("token", "t", Duration.ofDays(365)))
        .hasMessageContaining("max_lifetime");
    SecretValueResponse ok = readAfter(strict.put("token", "t", Duration.ofDays(30)), strict);
    assertThat(ok.expiresAt()).isNotNull();
    assertThat(ok.expired()).isFalse();
    admin.secrets().put("token", "no expiry needed in default");
  }

  private static SecretValueResponse readAfter(SecretView written, SecretsClient client) {
    return client.read(written.name(), null, written.currentVersion());
  }

  @Test
  void roles_keyOfficerWritesButCannotRead_cryptoUserReadsButCannotWrite() {
    String officer = admin.createToken("officer", List.of(new GrantView("key-officer", "*", "*")), Duration.ofHours(1))
        .token();
    String app = admin.createToken("app", List.of(new GrantView("crypto-user", "*", "payments-*")), Duration.ofHours(1))
        .token();
    E2e.client(server, officer).secrets().put("payments-db", "pw-1");

    assertThat(E2e.client(server, app).secrets().current("payments-db")).isEqualTo("pw-1");
    assertForbidden(() -> E2e.client(server, officer).secrets().current("payments-db"));
    assertForbidden(() -> E2e.client(server, app).secrets().put("payments-db", "pw-2"));
    assertForbidden(() -> E2e.client(server, app).secrets().put("other", "x"));
  }

  @Test
  void values_neverReachTheAuditTrail_andSurviveARestart(@TempDir Path dir) {
    try (RekeyServer first = E2e.devServer(dir)) {
      E2e.client(first, ROOT_TOKEN).secrets().put("webhook", "whsec-very-secret-value");
      E2e.client(first, ROOT_TOKEN).secrets().current("webhook");
    }
    try (RekeyServer second = E2e.devServer(dir)) {
      RekeyClient c = E2e.client(second, ROOT_TOKEN);
      assertThat(c.secrets().current("webhook")).isEqualTo("whsec-very-secret-value");
      String audit = c.auditRecords(null, 1000).records().toString();
      assertThat(audit).contains("secret.write").contains("secret.read").doesNotContain("very-secret");
    }
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RekeyClientException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
  }
}
