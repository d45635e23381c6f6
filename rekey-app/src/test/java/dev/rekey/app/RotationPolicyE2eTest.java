package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies as code end to end: a real dev server with its scheduler ticking, a YAML policy file
 * applied through the real CLI (dry run, apply, re-apply, invalid files), the scheduler rotating a
 * key on its own, and {@code rekey rotation status} showing the calendar.
 */
class RotationPolicyE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;

  private static final String POLICIES = """
      # rotation policies of the default namespace
      policies:
        - scope: namespace:default
          rotation_period: P90D
          version_lifetime: P1Y
          notify_before: [P30D, P7D]
        - scope: key:default/fast
          rotation_period: PT2S
      """;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static E2e.Run rekey(String... args) {
    return cli(url, ROOT_TOKEN, null, args);
  }

  private static Path file(String name, String text) throws Exception {
    Path f = dataDir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void policyFileThroughTheCli_schedulerRotates_statusShowsTheCalendar() throws Exception {
    assertThat(rekey("key", "create", "orders").exit()).isZero();
    assertThat(rekey("key", "create", "fast").exit()).isZero();
    Path policies = file("policies.yaml", POLICIES);

    E2e.Run dry = rekey("policy", "apply", policies.toString(), "--dry-run");
    assertThat(dry.exit()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("+ namespace:default", "+ key:default/fast", "Would apply: 2 created",
        "dry run: nothing stored");
    assertThat(rekey("policy", "list").out()).doesNotContain("namespace:default");

    E2e.Run applied = rekey("policy", "apply", policies.toString());
    assertThat(applied.out()).as(applied.toString()).contains("Applied: 2 created, 0 updated, 0 unchanged.");
    E2e.Run again = rekey("policy", "apply", policies.toString());
    assertThat(again.out()).as(again.toString()).contains("No changes (2 unchanged).");
    assertThat(rekey("policy", "list").out()).contains("namespace:default", "every P90D", "P1Y");
    assertThat(rekey("policy", "show", "key:default/fast").out()).contains("schedule:         every PT2S");

    RekeyClient client = E2e.client(server, ROOT_TOKEN);
    E2e.await("the scheduler rotates the PT2S key", Duration.ofSeconds(30),
        () -> client.getKey("fast").latestVersion() >= 2);
    assertThat(client.getKey("orders").latestVersion()).isEqualTo(1);

    E2e.Run status = rekey("rotation", "status");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out()).contains("Due (", "Overdue (", "Failed (0)", "Next 30 days (");
    String calendar = status.out().substring(status.out().indexOf("Next 30 days"));
    assertThat(calendar).contains("default", "fast");
    assertThat(rekey("rotation", "status", "--json").out()).contains("\"calendar\"");

    // the scheduler's rotations and the calendar reach Prometheus
    java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/metrics"))
            .header("Authorization", "Bearer " + ROOT_TOKEN).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).containsPattern("rekey_rotations_total\\{outcome=\"succeeded\"[^}]*} [1-9]")
        .containsPattern("rekey_key_next_rotation_seconds\\{[^}]*key=\"fast\"");
  }

  @Test
  void invalidPolicyFiles_areRejectedNamingTheField_andStoreNothing() throws Exception {
    E2e.Run badValue = rekey("policy", "apply", file("bad.yaml", """
        - scope: namespace:invalid
          rotation_period: monthly
        """).toString());
    assertThat(badValue.exit()).isEqualTo(1);
    assertThat(badValue.err()).contains("policies[0].rotation_period: 'monthly' is not an ISO-8601");

    E2e.Run typo = rekey("policy", "apply", file("typo.json",
        "{\"policies\":[{\"scope\":\"namespace:invalid\",\"period\":\"P1M\"}]}").toString());
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("policies[0].period: unknown field");

    E2e.Run both = rekey("policy", "apply", file("both.json",
        "[{\"scope\":\"namespace:invalid\",\"rotation_period\":\"P1M\",\"cron\":\"0 0 1 * *\"}]").toString());
    assertThat(both.err()).contains("policies[0].cron: set either rotation_period or cron");
    assertThat(rekey("policy", "list").out()).doesNotContain("namespace:invalid");
  }
}
