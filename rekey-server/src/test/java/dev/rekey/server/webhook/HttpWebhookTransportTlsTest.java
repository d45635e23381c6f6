package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.testing.SelfSignedTls;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.OutboundPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https to the checked address: a real TLS server on 127.0.0.1 with a certificate for the name
 * {@code rebind.test} only (no IP address in it). The connection goes to the address, while SNI,
 * the certificate check and the Host header use the URL's name.
 */
class HttpWebhookTransportTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir
  static Path dir;
  private static SelfSignedTls.Pems pems;
  private Vertx vertx;
  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private OutboundPolicy everyNameIsLoopback;

  @BeforeAll
  static void certificate() throws Exception {
    pems = SelfSignedTls.create(dir, "rebind.test", "dns:rebind.test");
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true).setHost("127.0.0.1").setPort(0)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pems.certFile().toString())
                .setKeyPath(pems.keyFile().toString())))
        .requestHandler(request -> {
          seen.add("sni=" + request.connection().indicatedServerName() + " host=" + request.headers().get("host"));
          request.response().setStatusCode(204).end();
        })
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    everyNameIsLoopback = OutboundPolicy.DEFAULT.resolvingWith(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpWebhookTransport trustingTheServer() {
    return new HttpWebhookTransport(TIMEOUT, everyNameIsLoopback,
        new PemTrustOptions().addCertPath(pems.certFile().toString()));
  }

  @Test
  void post_overHttps_sendsTheUrlsNameAsSniAndHost_andChecksTheCertificateAgainstIt() {
    try (HttpWebhookTransport transport = trustingTheServer()) {
      DeliveryOutcome outcome = transport.post("https://rebind.test:" + server.actualPort() + "/tls", Map.of(),
          new byte[] {1});
      assertThat(outcome.status()).as(String.valueOf(outcome.error())).isEqualTo(204);
    }
    assertThat(seen).containsExactly("sni=rebind.test host=rebind.test:" + server.actualPort());
  }

  @Test
  void post_overHttps_toTheNextAddressOfTheName_stillSendsAndChecksTheName() {
    OutboundPolicy firstAddressDown = OutboundPolicy.DEFAULT.resolvingWith(host -> new InetAddress[] {
        InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")});
    try (HttpWebhookTransport transport = new HttpWebhookTransport(TIMEOUT, firstAddressDown,
        new PemTrustOptions().addCertPath(pems.certFile().toString()))) {
      DeliveryOutcome outcome = transport.post("https://rebind.test:" + server.actualPort() + "/tls", Map.of(),
          new byte[] {1});
      assertThat(outcome.status()).as(String.valueOf(outcome.error())).isEqualTo(204);
    }
    assertThat(seen).containsExactly("sni=rebind.test host=rebind.test:" + server.actualPort());
  }

  @Test
  void post_overHttps_toANameTheCertificateDoesNotCover_fails_thoughTheAddressIsTheSame() {
    try (HttpWebhookTransport transport = trustingTheServer()) {
      DeliveryOutcome outcome = transport.post("https://other.test:" + server.actualPort() + "/tls", Map.of(),
          new byte[] {1});
      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).startsWith("I/O error: SSL");
    }
    assertThat(seen).isEmpty();
  }

  @Test
  void post_overHttps_trustsOnlyTheJvmsCertificateAuthoritiesByDefault() {
    try (HttpWebhookTransport transport = new HttpWebhookTransport(TIMEOUT, everyNameIsLoopback)) {
      DeliveryOutcome outcome = transport.post("https://rebind.test:" + server.actualPort() + "/tls", Map.of(),
          new byte[] {1});
      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).startsWith("I/O error: SSL");
    }
    assertThat(seen).isEmpty();
  }
}
