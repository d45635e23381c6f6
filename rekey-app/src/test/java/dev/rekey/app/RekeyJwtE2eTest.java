package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.JwtIssueResponse;
import dev.rekey.api.JwtVerifyResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JWTs through the real server, CLI and SDK. The independent check: tokens Rekey issues verify
 * with jose4j (a JOSE implementation Rekey does not use) given only the key's public JWKS.
 */
class RekeyJwtE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  /** The raw JWKS document as a verifier would fetch it: no token. */
  private static String jwksOf(String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/v1/jwks/default/" + name)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** jose4j's consumer over the key's JWKS, allowing only {@code alg}. */
  private static JwtConsumer jose4j(String jwks, String alg) throws Exception {
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireIssuedAt()
        .setExpectedIssuer("rekey-e2e")
        .setExpectedAudience("billing")
        .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg)
        .build();
  }

  @ParameterizedTest
  @CsvSource({"ed25519, EdDSA", "ecdsa-p256, ES256", "ecdsa-p384, ES384", "rsa-pss-2048, PS256"})
  void issuedByCli_verifiesWithJose4jFromThePublicJwks_andThroughSdkAndCli(String type, String alg) throws Exception {
    String name = "jwt-" + type;
    assertThat(cli(url, ROOT_TOKEN, null, "key", "create", name, "--type", type).exit()).isZero();
    assertThat(cli(url, ROOT_TOKEN, null, "key", "rotate", name).exit()).isZero(); // v2 signs

    E2e.Run issue = cli(url, ROOT_TOKEN, null, "jwt", "issue", name, "--claim", "sub=alice", "--claim", "iss=rekey-e2e",
        "--claims-json", "{\"aud\":\"billing\",\"scope\":[\"read\",\"write\"],\"n\":42}", "--ttl", "PT10M");
    assertThat(issue.exit()).as(issue.toString()).isZero();
    String jwt = issue.line();

    JwtContext ctx = jose4j(jwksOf(name), alg).process(jwt);
    JsonWebSignature jws = (JsonWebSignature) ctx.getJoseObjects().get(0);
    assertThat(jws.getAlgorithmHeaderValue()).isEqualTo(alg);
    assertThat(jws.getKeyIdHeaderValue()).isEqualTo(name + "-v2");
    assertThat(jws.getHeader("typ")).isEqualTo("JWT");
    JwtClaims claims = ctx.getJwtClaims();
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getStringListClaimValue("scope")).containsExactly("read", "write");
    assertThat(claims.getClaimValue("n", Long.class)).isEqualTo(42L);
    assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(600);

    // jose4j rejects a token whose payload was changed, and one whose alg is not the key's
    String[] p = jwt.split("\\.");
    String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(java.util.Base64.getUrlDecoder().decode(p[1]), java.nio.charset.StandardCharsets.UTF_8)
            .replace("alice", "mallory").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String forged = p[0] + "." + forgedPayload + "." + p[2];
    assertThatThrownBy(() -> jose4j(jwksOf(name), alg).process(forged)).isInstanceOf(InvalidJwtException.class);

    JwtVerifyResponse viaSdk = sdk.signing().verifyJwt(name, jwt);
    assertThat(viaSdk.valid()).isTrue();
    assertThat(viaSdk.kid()).isEqualTo(name + "-v2");
    assertThat(viaSdk.version()).isEqualTo(2);
    assertThat(viaSdk.claims()).containsEntry("sub", "alice").containsEntry("aud", "billing");
    assertThat(sdk.signing().verifyJwt(name, forged).reason()).isEqualTo("invalid_signature");

    E2e.Run verify = cli(url, ROOT_TOKEN, jwt + "\n", "jwt", "verify", name);
    assertThat(verify.exit()).as(verify.toString()).isZero();
    JsonNode printed = JSON.readTree(verify.out());
    assertThat(printed.get("sub").asText()).isEqualTo("alice");
    assertThat(printed.get("n").asLong()).isEqualTo(42);
    E2e.Run bad = cli(url, ROOT_TOKEN, null, "jwt", "verify", name, "--jwt", forged);
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(3); // invalid, not an error (1)
    assertThat(bad.out()).isEqualTo("invalid: invalid_signature\n");
  }

  @Test
  void tokenOfAnotherKey_failsInJose4jWithThisKeysJwks_andIsWrongKeyInRekey() throws Exception {
    sdk.createKey("jwt-a", "ecdsa-p256", Map.of());
    sdk.createKey("jwt-b", "ecdsa-p256", Map.of());
    String fromB = sdk.signing().issueJwt("jwt-b", Map.of("iss", "rekey-e2e", "aud", "billing"), Duration.ofMinutes(5)).jwt();
    assertThat(jose4j(jwksOf("jwt-b"), "ES256").processToClaims(fromB).getIssuer()).isEqualTo("rekey-e2e");
    assertThatThrownBy(() -> jose4j(jwksOf("jwt-a"), "ES256").process(fromB)).isInstanceOf(InvalidJwtException.class);
    JwtVerifyResponse r = sdk.signing().verifyJwt("jwt-a", fromB);
    assertThat(r.valid()).isFalse();
    assertThat(r.reason()).isEqualTo("wrong_key");
  }

  @Test
  void v1Token_verifiesAfterRotations_andFailsRevokedAfterV1IsRevoked() throws Exception {
    sdk.createKey("jwt-rotating", "ed25519", Map.of());
    JwtIssueResponse v1 = sdk.signing().issueJwt("jwt-rotating", Map.of("sub", "svc", "iss", "rekey-e2e", "aud", "billing"),
        Duration.ofHours(1));
    assertThat(v1.kid()).isEqualTo("jwt-rotating-v1");
    for (int i = 0; i < 3; i++) {
      sdk.rotateKey("jwt-rotating", true);
    }
    JwtIssueResponse v4 = sdk.signing().issueJwt("jwt-rotating", Map.of("iss", "rekey-e2e", "aud", "billing"), Duration.ofHours(1));
    assertThat(v4.version()).isEqualTo(4);
    assertThat(v4.kid()).isEqualTo("jwt-rotating-v4");

    JwtVerifyResponse old = sdk.signing().verifyJwt("jwt-rotating", v1.jwt());
    assertThat(old.valid()).isTrue();
    assertThat(old.version()).isEqualTo(1);
    E2e.Run ok = cli(url, ROOT_TOKEN, null, "jwt", "verify", "jwt-rotating", "--jwt", v1.jwt());
    assertThat(ok.exit()).as(ok.toString()).isZero();
    // within the JWKS overlap the demoted v1 is still published, so jose4j verifies it too
    assertThat(jose4j(jwksOf("jwt-rotating"), "EdDSA").processToClaims(v1.jwt()).getSubject()).isEqualTo("svc");

    E2e.Run revoke = cli(url, ROOT_TOKEN, null, "key", "version", "revoke", "jwt-rotating", "1");
    assertThat(revoke.exit()).as(revoke.toString()).isZero();
    JwtVerifyResponse revoked = sdk.signing().verifyJwt("jwt-rotating", v1.jwt());
    assertThat(revoked.valid()).isFalse();
    assertThat(revoked.reason()).isEqualTo("revoked");
    assertThat(revoked.version()).isEqualTo(1);
    assertThat(revoked.claims()).isNull();
    E2e.Run bad = cli(url, ROOT_TOKEN, v1.jwt(), "jwt", "verify", "jwt-rotating");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(3); // invalid, not an error (1)
    assertThat(bad.out()).isEqualTo("invalid: revoked\n");
    assertThat(sdk.signing().verifyJwt("jwt-rotating", v4.jwt()).valid()).isTrue();
    // the revoked version leaves the JWKS, so independent verifiers reject it as well
    List<Object> kids = new JsonWebKeySet(jwksOf("jwt-rotating")).getJsonWebKeys().stream()
        .map(k -> (Object) k.getKeyId()).toList();
    assertThat(kids).doesNotContain("jwt-rotating-v1");
  }
}
