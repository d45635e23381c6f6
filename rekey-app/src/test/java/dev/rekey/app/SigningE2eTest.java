package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.Jwks;
import dev.rekey.api.PublicKeyView;
import dev.rekey.api.VerifyResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signing keys through the real CLI and SDK: old signatures verify for ever, JWKS caching, and the JDK agrees. */
class SigningE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;
  static RekeyClient sdk;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
    sdk = E2e.client(server, ROOT_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @CsvSource({"ed25519, Ed25519, Ed25519", "ecdsa-p256, EC, SHA256withECDSAinP1363Format",
      "ecdsa-p384, EC, SHA384withECDSAinP1363Format"})
  void signV1_rotateFiveTimes_v1StillVerifies_andTheJdkAgrees(String type, String keyAlg, String jdkAlg)
      throws Exception {
    String name = "sig-" + type;
    assertThat(cli(url, ROOT_TOKEN, null, "key", "create", name, "--type", type).exit()).isZero();
    E2e.Run sign = cli(url, ROOT_TOKEN, "release 1.0", "sign", name);
    assertThat(sign.exit()).as(sign.toString()).isZero();
    String signature = sign.line();
    assertThat(signature).startsWith("rekey:v1:");
    for (int i = 0; i < 5; i++) {
      assertThat(cli(url, ROOT_TOKEN, null, "key", "rotate", name).exit()).isZero();
    }

    E2e.Run ok = cli(url, ROOT_TOKEN, "release 1.0", "verify", name, "--signature", signature);
    assertThat(ok.exit()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("valid (v1)");
    E2e.Run bad = cli(url, ROOT_TOKEN, "release 1.1", "verify", name, "--signature", signature);
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(3); // invalid, not an error (1)
    assertThat(bad.out() + bad.err()).contains("invalid_signature");

    // An independent implementation (the JDK's) verifies Rekey's signature from the exported PEM.
    PublicKeyView pub = sdk.signing().publicKey(name, 1);
    String b64 = pub.pem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PublicKey key = KeyFactory.getInstance(keyAlg).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    Signature jdk = Signature.getInstance(jdkAlg);
    jdk.initVerify(key);
    jdk.update("release 1.0".getBytes(StandardCharsets.UTF_8));
    assertThat(jdk.verify(Base64.getDecoder().decode(signature.substring("rekey:v1:".length())))).isTrue();
  }

  @Test
  void revokedVersion_failsWithItsReason_othersStillVerify() {
    sdk.createKey("sig-revoke", "ed25519", Map.of());
    String v1 = sdk.signing().sign("sig-revoke", new byte[] {1}).signature();
    sdk.rotateKey("sig-revoke", true);
    String v2 = sdk.signing().sign("sig-revoke", new byte[] {1}).signature();
    sdk.rotateKey("sig-revoke", true);
    E2e.Run revoke = cli(url, ROOT_TOKEN, null, "key", "version", "revoke", "sig-revoke", "1");
    assertThat(revoke.exit()).as(revoke.toString()).isZero();

    VerifyResponse r1 = sdk.signing().verify("sig-revoke", new byte[] {1}, v1);
    assertThat(r1.valid()).isFalse();
    assertThat(r1.reason()).isEqualTo("revoked");
    assertThat(sdk.signing().verify("sig-revoke", new byte[] {1}, v2).valid()).isTrue();
  }

  @Test
  void jwks_isPublic_listsCurrentVersions_andAnswers304ToItsEtag() throws Exception {
    sdk.createKey("sig-jwks", "ecdsa-p256", Map.of());
    sdk.rotateKey("sig-jwks", false); // v2 pending: published before it signs
    RekeyClient anonymous = E2e.client(server, null);
    Jwks jwks = anonymous.signing().jwks("default", "sig-jwks");
    List<Object> kids = jwks.keys().stream().map(k -> k.get("kid")).map(Object.class::cast).toList();
    assertThat(kids).containsExactly("sig-jwks-v2", "sig-jwks-v1");
    assertThat(jwks.keys().get(0)).containsEntry("alg", "ES256").containsEntry("kty", "EC").containsEntry("use", "sig");

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/jwks/default/sig-jwks")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/jwks/default/sig-jwks"))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    sdk.rotateKey("sig-jwks", true); // v3 primary: the JWKS changes, and so does its ETag
    HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/jwks/default/sig-jwks"))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).contains("sig-jwks-v3");

    assertThat(anonymous.signing().jwks("default").keys()).extracting(k -> k.get("kid")).contains("sig-jwks-v3");
    assertThat(sdk.getKey("sig-jwks").jwksUrl()).isEqualTo("/v1/jwks/default/sig-jwks");
  }
}
