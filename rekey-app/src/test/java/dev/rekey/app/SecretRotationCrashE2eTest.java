package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationView;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.SecretsClient;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.webhook.WebhookSignature;
import dev.rekey.server.RekeyServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation protocol survives a real crash: the server runs as its own JVM and is killed with
 * SIGKILL while the user's rotation hook is handling the SET (or TEST) step. After a restart on the
 * same data directory the rotation resumes at that step with the same pending value, and completes:
 * one new version, CURRENT is what the target system accepted, PREVIOUS the old value.
 */
class SecretRotationCrashE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SIGNING_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The user's system: it verifies Rekey's signature, stores the password on SET, checks it on TEST. */
  static final class Hook implements AutoCloseable {
    final HttpServer http;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch blockedStepArrived = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final String blockStep;
    volatile String accepted;
    volatile boolean blocked;

    Hook(String blockStep) throws Exception {
      this.blockStep = blockStep;
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      http.createContext("/rotate", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        long ts = Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp"));
        boolean signed = WebhookSignature.verify(SecretBytes.copyOf(SIGNING_KEY), id, ts, body,
            exchange.getRequestHeaders().getFirst("webhook-signature"));
        JsonNode call = JSON.readTree(body);
        String step = call.get("step").asText();
        String value = call.get("value").asText();
        calls.add(step + " " + id + " " + value + (signed ? "" : " UNSIGNED"));
        if (step.equals(blockStep) && !blocked) {
          blocked = true;
          blockedStepArrived.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        int status = !signed ? 401 : step.equals("set") ? ok(() -> accepted = value)
            : value.equals(accepted) ? 200 : 409;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      http.start();
    }

    private static int ok(Runnable r) {
      r.run();
      return 200;
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort() + "/rotate";
    }

    @Override
    public void close() {
      release.countDown();
      http.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"set", "test"})
  void sigkillDuringAStep_restart_rotationResumesAndCompletes(String step, @TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path log = dir.resolve("server.log");
    int port = E2e.freePort();
    String url = "http://127.0.0.1:" + port;
    String rotationId;
    try (Hook hook = new Hook(step)) {
      Process process = E2e.startServerProcess(data, port, log);
      try {
        RekeyClient client = E2e.client(url, E2e.ROOT_TOKEN);
        SecretsClient secrets = client.secrets();
        secrets.put("hook-signing", "whsec_" + Base64.getEncoder().encodeToString(SIGNING_KEY));
        secrets.put("api-password", "initial");
        secrets.configureRotation("api-password", new SecretRotationConfigView("external-hook",
            Map.of("url", hook.url(), "signing_secret", "hook-signing", "length", "24"), null, null, null));
        rotationId = secrets.rotate("api-password").id();

        assertThat(hook.blockedStepArrived.await(60, TimeUnit.SECONDS)).as("the " + step + " call arrived").isTrue();
      } finally {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        hook.release.countDown();
      }

      try (RekeyServer restarted = E2e.devServer(data)) {
        SecretsClient secrets = E2e.client(restarted, E2e.ROOT_TOKEN).secrets();
        E2e.await("the rotation resumes and finishes", Duration.ofSeconds(60),
            () -> !"running".equals(secrets.rotation("api-password", rotationId).status()));
        SecretRotationView done = secrets.rotation("api-password", rotationId);
        assertThat(done.status()).as(done.toString()).isEqualTo("succeeded");

        String current = secrets.current("api-password");
        assertThat(current).isEqualTo(hook.accepted).hasSize(24);
        assertThat(secrets.read("api-password", "PREVIOUS", null).value()).isEqualTo("initial");
        assertThat(secrets.metadata("api-password").latestVersion()).as("created once, never twice").isEqualTo(2);
        assertThat(secrets.metadata("api-password").pendingVersion()).isNull();
        // every call was signed, carried the one pending value, and a retried step kept its webhook-id
        assertThat(hook.calls).allSatisfy(c -> assertThat(c).endsWith(" " + current));
        assertThat(hook.calls.stream().filter(c -> c.startsWith(step + " ")).distinct().count()).isEqualTo(1);
        assertThat(hook.calls.stream().filter(c -> c.startsWith(step + " ")).count()).isGreaterThanOrEqualTo(2);
        assertThat(hook.calls.get(0)).startsWith("set " + rotationId + ".set ");
      }
    }
  }
}
