package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rekey.api.BindingView;
import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.api.RotationDriftReport;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.client.VersionAction;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.webhook.WebhookSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumers of a secret, end to end on a real server: one consumer is bound through the CLI (with
 * an update hook served by a real HTTP server), one through the SDK (linked to the token it reads
 * the secret with). A rotator's finish step moves CURRENT; both bindings go PENDING_UPDATE toward
 * the new version, the hook is called with the secret's name, retiring the old version is refused
 * with 409 version_in_use; one consumer confirms through the CLI, the other is seen reading the
 * new version, and then the retirement goes through.
 */
class SecretBindingE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private RekeyServer server;
  private RekeyClient client;
  private HttpServer hook;
  private final List<JsonNode> hookCalls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    WebhookSettings settings = WebhookSettings.from(Map.of("REKEY_WEBHOOK_INITIAL_DELAY", "PT0.1S",
        "REKEY_WEBHOOK_MAX_DELAY", "PT0.2S", "REKEY_WEBHOOK_TIMEOUT", "PT1S", "REKEY_WEBHOOK_POLL", "PT0.1S"));
    server = RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dataDir, ROOT_TOKEN), settings);
    client = E2e.client(server, ROOT_TOKEN);
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/", exchange -> {
      hookCalls.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
  }

  @AfterEach
  void stop() {
    hook.stop(0);
    server.close();
  }

  private E2e.Run rekey(String... args) {
    E2e.Run run = cli(server.url(), ROOT_TOKEN, null, args);
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  private BindingView binding(String consumer) {
    return client.consumers().bindingsOfSecret("db-url").bindings().stream()
        .filter(b -> b.consumer().equals(consumer)).findFirst().orElseThrow();
  }

  @Test
  void rotation_propagatesToSecretConsumers_guardsTheOldVersion_untilTheyConfirmOrAreSeenOnTheNewOne() {
    client.secrets().put("db-url", "postgres://one");
    rekey("consumer", "register", "billing", "--hook-url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/");
    rekey("consumer", "register", "reporting", "--principal", "svc-reporting");
    E2e.Run bound = rekey("consumer", "bind", "billing", "--secret", "db-url");
    assertThat(bound.out()).contains("secret:db-url").contains("CURRENT");
    BindingView reporting = client.consumers().bindSecret("reporting", "db-url", null, null);
    assertThat(reporting.subjectKind()).isEqualTo("secret");
    assertThat(reporting.version()).isEqualTo(1);

    // The rotator's finish step moves CURRENT to version 2.
    client.secrets().configureRotation("db-url", new SecretRotationConfigView("generated",
        Map.of("length", "24"), null, null, null));
    assertThat(client.secrets().rotateAndWait("db-url", Duration.ofSeconds(30)).status()).isEqualTo("succeeded");

    E2e.await("both bindings pending toward v2", Duration.ofSeconds(10), () -> List.of("billing", "reporting")
        .stream().map(this::binding).allMatch(b -> b.state().equals("PENDING_UPDATE") && b.targetVersion() == 2));
    assertThat(binding("billing").deadline()).isNotNull();
    E2e.await("the update hook was called", Duration.ofSeconds(10), () -> !hookCalls.isEmpty());
    JsonNode call = hookCalls.get(0);
    assertThat(call.get("secret").asText()).isEqualTo("db-url");
    assertThat(call.get("subject_kind").asText()).isEqualTo("secret");
    assertThat(call.get("version").asInt()).isEqualTo(2);
    assertThat(call.get("confirm_path").asText()).isEqualTo("/v1/consumers/billing/secret-bindings/db-url");

    // Version 1 (now PREVIOUS) is still in use: refused through the SDK and the CLI.
    assertThatThrownBy(() -> client.secrets().versionAction("db-url", 1, VersionAction.RETIRE, null))
        .isInstanceOfSatisfying(RekeyClientException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE);
          assertThat(e.getMessage()).contains("billing").contains("reporting");
        });
    E2e.Run refused = cli(server.url(), ROOT_TOKEN, null, "secret", "version", "disable", "db-url", "1");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.toString()).contains("version_in_use");

    RotationDriftReport drift = client.consumers().driftOfSecret("db-url");
    assertThat(drift.rotations()).singleElement().satisfies(r -> {
      assertThat(r.subjectKind()).isEqualTo("secret");
      assertThat(r.version()).isEqualTo(2);
      assertThat(r.notMoved()).extracting(RotationDriftReport.Entry::consumer)
          .containsExactlyInAnyOrder("billing", "reporting");
    });

    // billing confirms through the CLI; reporting is seen reading version 2 with its own token.
    E2e.Run confirmed = rekey("consumer", "confirm", "billing", "--secret", "db-url", "2");
    assertThat(confirmed.out()).contains("secret:db-url").contains("CURRENT");
    String token = client.createToken("svc-reporting", List.of(new GrantView("crypto-user", "default", "db-url")), null)
        .token();
    assertThat(E2e.client(server, token).secrets().read("db-url", null, null).version()).isEqualTo(2);
    E2e.await("reporting observed on v2", Duration.ofSeconds(10), () -> {
      BindingView b = binding("reporting");
      return b.state().equals("CURRENT") && b.version() == 2;
    });

    assertThat(rekey("report", "drift", "--secret", "db-url").out()).contains("secret:db-url");
    assertThat(rekey("consumer", "bindings", "--secret", "db-url").out()).contains("billing").contains("reporting");
    E2e.await("version 1 can be retired", Duration.ofSeconds(5), () -> {
      try {
        client.secrets().versionAction("db-url", 1, VersionAction.RETIRE, null);
        return true;
      } catch (RekeyClientException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE); // only the quiet period may still hold it
        return false;
      }
    });
    rekey("consumer", "unbind", "reporting", "--secret", "db-url");
    assertThat(client.consumers().bindingsOfSecret("db-url").bindings()).extracting(BindingView::consumer)
        .containsExactly("billing");
  }
}
