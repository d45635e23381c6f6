package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.core.testing.SelfSignedTls;
import dev.rekey.server.config.ConfigLoader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers started from configuration files: TLS, and the Shamir seal's init, unseal and seal cycle. */
class ConfiguredServerTest {
  @TempDir Path dir;

  private Path config(String yaml) throws Exception {
    Path f = dir.resolve("rekey.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void tlsConfig_servesHttps() throws Exception {
    SelfSignedTls.Pems tls = SelfSignedTls.create(dir);
    Certificate cert = tls.certificate();
    Path certFile = tls.certFile();
    Path keyFile = tls.keyFile();

    Path data = Files.createDirectories(dir.resolve("data"));
    var cfg = new ConfigLoader(Map.of()).load(config("listen: 127.0.0.1:0\ndata_dir: " + data
        + "\nseal:\n  type: file\n  file: " + data.resolve("root.key") + "\ntls:\n  cert_file: " + certFile
        + "\n  key_file: " + keyFile + "\n"));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("rekey", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    RekeyServer server = RekeyServer.start(cfg);
    try (TestServer s = TestServer.wrap(server, HttpClient.newBuilder().sslContext(ssl)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build())) {
      assertThat(server.url()).startsWith("https://127.0.0.1:");
      TestServer.Resp health = s.get("/v1/health", null);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().get("status").asText()).isEqualTo("uninitialized");
      TestServer.Resp init = s.post("/v1/sys/init", null, "");
      assertThat(init.status()).as(init.body()).isEqualTo(200);
      assertThat(init.json().get("shares")).isEmpty();
      String root = init.json().get("root_token").asText();
      assertThat(s.get("/v1/health", null).status()).isEqualTo(200);
      assertThat(s.post("/v1/keys", root, "{\"name\":\"over-tls\"}").status()).isEqualTo(201);
      assertThat(s.post("/v1/sys/init", null, "").errorCode()).isEqualTo("already_initialized");
      // whatever a second init asks for, the answer is the state: already initialized
      TestServer.Resp shamirAsk = s.post("/v1/sys/init", null, "{\"shares\":5,\"threshold\":3}");
      assertThat(shamirAsk.status()).as(shamirAsk.body()).isEqualTo(409);
      assertThat(shamirAsk.errorCode()).isEqualTo("already_initialized");
    }
  }

  @Test
  void shamirServer_isSealedUntilUnsealed_andSealingStopsKeyEndpoints() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    var cfg = new ConfigLoader(Map.of()).load(config("listen: 127.0.0.1:0\ndata_dir: " + data
        + "\nseal:\n  type: shamir\n"));
    try (TestServer s = TestServer.start(cfg)) {
      JsonNode health = s.get("/v1/health", null).json();
      assertThat(health.get("status").asText()).isEqualTo("uninitialized");
      assertThat(s.get("/v1/health", null).status()).isEqualTo(503);
      assertThat(s.get("/v1/sys/seal-status", null).json().get("initialized").asBoolean()).isFalse();
      assertThat(s.get("/v1/keys", "anything").errorCode()).isEqualTo("not_initialized");
      assertThat(s.post("/v1/sys/init", null, "").errorCode()).isEqualTo("invalid_request");
      assertThat(s.post("/v1/sys/init", null, "{\"shares\":3,\"threshold\":5}").status()).isEqualTo(400);

      TestServer.Resp init = s.post("/v1/sys/init", null, "{\"shares\":3,\"threshold\":2}");
      assertThat(init.status()).as(init.body()).isEqualTo(200);
      JsonNode shares = init.json().get("shares");
      assertThat(shares).hasSize(3);
      String root = init.json().get("root_token").asText();
      for (String again : new String[] {"", "{\"shares\":3,\"threshold\":5}", "{\"shares\":0,\"threshold\":0}",
          "{\"shares\":3,\"threshold\":2}"}) {
        TestServer.Resp r = s.post("/v1/sys/init", null, again);
        assertThat(r.status()).as(again + " -> " + r.body()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("already_initialized");
      }
      assertThat(s.get("/v1/health", null).json().get("status").asText()).isEqualTo("sealed");
      assertThat(s.get("/v1/health", null).status()).isEqualTo(503);
      assertThat(s.get("/v1/keys", root).errorCode()).isEqualTo("sealed");
      assertThat(s.get("/v1/keys", root).status()).isEqualTo(503);

      assertThat(s.post("/v1/sys/unseal", null, "{\"share\":\"not-a-share\"}").status()).isBetween(400, 499);
      s.post("/v1/sys/unseal", null, "{\"reset\":true}");
      JsonNode first = s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(0).asText() + "\"}").json();
      assertThat(first.get("sealed").asBoolean()).isTrue();
      assertThat(first.get("progress").asInt()).isEqualTo(1);
      JsonNode second = s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(2).asText() + "\"}").json();
      assertThat(second.get("sealed").asBoolean()).as(second.toString()).isFalse();
      assertThat(s.get("/v1/health", null).status()).isEqualTo(200);

      assertThat(s.post("/v1/keys", root, "{\"name\":\"shamir-k\"}").status()).isEqualTo(201);
      String ct = s.post("/v1/keys/shamir-k/encrypt", root, "{\"plaintext\":\"aGk=\"}").json().get("ciphertext").asText();

      assertThat(s.post("/v1/sys/seal", root, "").status()).isEqualTo(204);
      assertThat(s.get("/v1/health", null).status()).isEqualTo(503);
      assertThat(s.get("/v1/health", null).json().get("status").asText()).isEqualTo("sealed");
      for (TestServer.Resp r : new TestServer.Resp[] {s.get("/v1/keys/shamir-k", root),
          s.post("/v1/keys/shamir-k/encrypt", root, "{\"plaintext\":\"aGk=\"}"),
          s.post("/v1/keys/shamir-k/decrypt", root, "{\"ciphertext\":\"" + ct + "\"}"),
          s.post("/v1/keys", root, "{\"name\":\"while-sealed\"}")}) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("sealed");
        assertThat(r.body()).doesNotContain("rekey:v");
      }

      s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(1).asText() + "\"}");
      s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(0).asText() + "\"}");
      assertThat(s.get("/v1/health", null).status()).isEqualTo(200);
      assertThat(s.post("/v1/keys/shamir-k/decrypt", root, "{\"ciphertext\":\"" + ct + "\"}").json().get("plaintext").asText())
          .isEqualTo("aGk=");
      assertThat(s.get("/v1/keys/while-sealed", root).status()).isEqualTo(404);
      assertThat(s.get("/v1/audit/verify", root).json().get("valid").asBoolean()).isTrue();
    }
  }

  @Test
  void shamirServer_releasesEarlierProcessesLeasesOnceUnsealed_notBefore() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data-node-id"));
    Path nodeIds = data.resolve(NodeIdentity.FILE);
    Files.writeString(nodeIds, "h/crashed\n"); // a process that died holding rotation leases
    var cfg = new ConfigLoader(Map.of()).load(config("listen: 127.0.0.1:0\ndata_dir: " + data
        + "\nseal:\n  type: shamir\n"));
    try (TestServer s = TestServer.start(cfg)) {
      JsonNode shares = s.post("/v1/sys/init", null, "{\"shares\":3,\"threshold\":2}").json().get("shares");
      Thread.sleep(1_500); // secret rotation ticks pass while sealed
      List<String> sealed = Files.readAllLines(nodeIds);
      assertThat(sealed).as("not released while sealed: kept for this start or the next").hasSize(2)
          .startsWith("h/crashed");

      s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(0).asText() + "\"}");
      s.post("/v1/sys/unseal", null, "{\"share\":\"" + shares.get(1).asText() + "\"}");
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (Files.readAllLines(nodeIds).size() > 1 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertThat(Files.readAllLines(nodeIds)).as("released once unsealed: only this start's name stays")
          .containsExactly(sealed.get(1));
    }
  }
}
