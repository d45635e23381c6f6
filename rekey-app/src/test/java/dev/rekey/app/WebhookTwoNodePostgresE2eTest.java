package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.store.StoreConfig;
import dev.rekey.store.testing.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database both run the webhook worker: every event is fanned out once
 * and each attempt is made by one node only, so a healthy receiver gets every event exactly once.
 * A root key rotation afterwards leaves the subscription's signing secret usable.
 */
class WebhookTwoNodePostgresE2eTest {
  private static final int KEYS = 30;

  @Test
  void twoNodes_deliverEachEventOnce_andSecretsSurviveRootRotation(@TempDir Path dir) throws Exception {
    Map<String, AtomicInteger> perEvent = new ConcurrentHashMap<>();
    // one list of (headers, body) pairs: two lists appended separately by 8 receiver threads
    // could pair one delivery's signature with another's body
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newFixedThreadPool(8));
    receiver.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      perEvent.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      received.add(new Received(new String[] {id, exchange.getRequestHeaders().getFirst("webhook-timestamp"),
          exchange.getRequestHeaders().getFirst("webhook-signature")}, body));
      try {
        Thread.sleep(50); // a receiver that takes a moment keeps several attempts in flight
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();

    StoreConfig db = EmbeddedPostgres.shared().freshDatabase();
    ServerConfig.StorageSettings storage = new ServerConfig.StorageSettings(db.jdbcUrl(), db.user(), db.password());
    ServerConfig.SealSettings seal = new ServerConfig.SealSettings("file", dir.resolve("seal/root.key"), null, null, null, null);
    Duration ttl = Duration.ofMillis(200);
    try (RekeyServer a = RekeyServer.start(E2e.config(Files.createDirectories(dir.resolve("a")), storage, seal, ttl))) {
      String rootToken = E2e.client(a, null).init(null, null).rootToken();
      try (RekeyServer b = RekeyServer.start(E2e.config(Files.createDirectories(dir.resolve("b")), storage, seal, ttl))) {
        RekeyClient nodeA = E2e.client(a, rootToken);
        RekeyClient nodeB = E2e.client(b, rootToken);
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String secret = nodeA.webhooks().create(url, List.of("KeyNewVersionCreated"), null, null).secret();

        for (int i = 0; i < KEYS; i++) {
          (i % 2 == 0 ? nodeA : nodeB).createKey("k" + i, null, Map.of());
        }
        E2e.await(KEYS + " events delivered", Duration.ofSeconds(60), () -> perEvent.size() >= KEYS);
        Thread.sleep(2_500); // more than two poll intervals on both nodes: a duplicate would show now
        assertThat(perEvent).hasSize(KEYS);
        assertThat(perEvent.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        for (Received r : received) {
          assertThat(sign(secret, r.headers(), r.body())).isEqualTo(r.headers()[2]);
        }

        // the root key rotates: the stored secret is re-wrapped, deliveries keep using the same secret
        E2e.Run rotateRoot = E2e.cli(a.url(), rootToken, null, "operator", "rotate-root");
        assertThat(rotateRoot.exit()).as(rotateRoot.toString()).isZero();
        nodeB.rotateKey("k1", true);
        E2e.await("the event after the root rotation", Duration.ofSeconds(60), () -> perEvent.size() >= KEYS + 1);
        Received last = received.get(received.size() - 1);
        assertThat(new String(last.body(), StandardCharsets.UTF_8)).contains("keys/k1/versions/2");
        assertThat(sign(secret, last.headers(), last.body())).isEqualTo(last.headers()[2]);
      }
    } finally {
      receiver.stop(0);
      ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
    }
  }

  /** One delivery as the receiver saw it: webhook-id, webhook-timestamp, webhook-signature; the body. */
  private record Received(String[] headers, byte[] body) {}

  private static String sign(String whsec, String[] h, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring(6)), "HmacSHA256"));
    mac.update((h[0] + "." + h[1] + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }
}
