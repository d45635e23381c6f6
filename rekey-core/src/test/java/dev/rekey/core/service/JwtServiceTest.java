package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** JwtService over the in-memory repository: issue, and every reason verification gives. */
class JwtServiceTest {
  private final Services s = new Services();
  private final SigningService signing = new SigningService(s.cache, s.clock, SigningService.DEFAULT_JWKS_OVERLAP);
  private final JwtService jwt = new JwtService(signing, s.clock);

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private String issue(Map<String, Object> claims, Duration ttl) {
    return jwt.issue(NS, "doc", claims, ttl).jwt();
  }

  private JwtService.Verification verify(String token) {
    return jwt.verify(NS, "doc", token);
  }

  private void assertReason(String token, String reason) {
    JwtService.Verification v = verify(token);
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).isEqualTo(reason);
    assertThat(v.claims()).isNull();
  }

  private void change(int version, VersionAction action) {
    s.keys.changeVersion(NS, "doc", version, action, action == VersionAction.SCHEDULE_DESTROY ? 7 : null);
  }

  /** A token with the given header and payload JSON and the signature part of {@code signedBy}. */
  private static String forge(String headerJson, String payloadJson, String signedBy) {
    return b64(headerJson) + "." + b64(payloadJson) + "." + signedBy.substring(signedBy.lastIndexOf('.') + 1);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void issue_headerNamesAlgAndKid_claimsCarryIatExp_andVerifies(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    s.keys.rotate(NS, "doc", true);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "alice");
    claims.put("roles", List.of("admin", "ops"));
    claims.put("n", 7);
    JwtService.Issued issued = jwt.issue(NS, "doc", claims, Duration.ofHours(1));

    assertThat(issued.kid()).isEqualTo("doc-v2");
    assertThat(issued.version()).isEqualTo(2);
    String[] parts = issued.jwt().split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"" + type.algorithm() + "\",\"typ\":\"JWT\",\"kid\":\"doc-v2\"}");
    long iat = Services.T0.getEpochSecond();
    assertThat(decode(parts[1])).isEqualTo(
        "{\"sub\":\"alice\",\"roles\":[\"admin\",\"ops\"],\"n\":7,\"iat\":" + iat + ",\"exp\":" + (iat + 3600) + "}");
    int sigLength = Base64.getUrlDecoder().decode(parts[2]).length;
    switch (type) {
      case ED25519, ECDSA_P256 -> assertThat(sigLength).isEqualTo(64);
      case ECDSA_P384 -> assertThat(sigLength).isEqualTo(96);
      default -> assertThat(sigLength).isEqualTo(256);
    }

    JwtService.Verification v = verify(issued.jwt());
    assertThat(v.valid()).isTrue();
    assertThat(v.reason()).isNull();
    assertThat(v.kid()).isEqualTo("doc-v2");
    assertThat(v.version()).isEqualTo(2);
    assertThat(v.claims()).containsEntry("sub", "alice").containsEntry("roles", List.of("admin", "ops"))
        .containsEntry("n", 7L).containsEntry("iat", iat).containsEntry("exp", iat + 3600);
  }

  @Test
  void issue_withoutTtl_noExp_andNullClaims() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String token = issue(null, null);
    assertThat(decode(token.split("\\.")[1])).isEqualTo("{\"iat\":" + Services.T0.getEpochSecond() + "}");
    s.clock.advance(Duration.ofDays(3650));
    assertThat(verify(token).valid()).isTrue();
  }

  @Test
  void issue_nestedAndNullClaims_roundTrip() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("none", null);
    claims.put("obj", Map.of("k", List.of(1, "two", true)));
    claims.put("pi", 3.5);
    claims.put("text", "caf\u00e9 \"quoted\" </script>");
    JwtService.Verification v = verify(issue(claims, null));
    assertThat(v.valid()).isTrue();
    assertThat(v.claims()).containsEntry("none", null).containsEntry("obj", Map.of("k", List.of(1L, "two", true)))
        .containsEntry("pi", 3.5).containsEntry("text", "caf\u00e9 \"quoted\" </script>");
  }

  @Test
  void issue_reservedClaimsAndBadTtl_invalidRequest() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    assertCode(() -> issue(Map.of("iat", 1), null), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of("exp", 1), null), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of("exp", 1), Duration.ofHours(1)), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of("nbf", "soon"), null), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of(), Duration.ZERO), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of(), Duration.ofSeconds(-5)), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of(), Duration.ofDays(3651)), ErrorCode.INVALID_REQUEST);
    assertCode(() -> issue(Map.of("big", "x".repeat(JwtService.MAX_JWT_LENGTH)), null), ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> issue(Map.of("iat", 1), null)).hasMessageContaining("'iat'");
  }

  @Test
  void issue_nonFiniteNumberAnywhereInClaims_invalidRequestNamingTheClaim() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    List<Object[]> cases = List.of(
        new Object[] {Map.of("x", Double.POSITIVE_INFINITY), "claim 'x' must be a finite number"},
        new Object[] {Map.of("x", Double.NEGATIVE_INFINITY), "claim 'x' must be a finite number"},
        new Object[] {Map.of("x", Double.NaN), "claim 'x' must be a finite number"},
        new Object[] {Map.of("x", Float.POSITIVE_INFINITY), "claim 'x' must be a finite number"},
        new Object[] {Map.of("nbf", Double.POSITIVE_INFINITY), "claim 'nbf' must be a finite number"},
        new Object[] {Map.of("nbf", Double.NEGATIVE_INFINITY), "claim 'nbf' must be a finite number"},
        new Object[] {Map.of("exp", Double.POSITIVE_INFINITY), "claim 'exp' is set by Rekey"},
        new Object[] {Map.of("a", Map.of("b", List.of(1, Double.NEGATIVE_INFINITY))), "claim 'a.b[1]' must be"},
        // serializable, but beyond a double: Nimbus could not parse the token back
        new Object[] {Map.of("big", new BigInteger("1" + "0".repeat(400))), "claim 'big' must be"});
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Object> claims = (Map<String, Object>) c[0];
      assertThatThrownBy(() -> issue(claims, null))
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
          .hasMessageContaining((String) c[1]);
    }
    // the largest finite numbers are fine and the token verifies with them
    JwtService.Verification v = verify(issue(Map.of("max", Double.MAX_VALUE, "min", -Double.MAX_VALUE,
        "list", List.of(1.5, Long.MAX_VALUE)), null));
    assertThat(v.valid()).isTrue();
    assertThat(v.claims()).containsEntry("max", Double.MAX_VALUE).containsEntry("min", -Double.MAX_VALUE);
  }

  @Test
  void issueAndVerify_keyThatDoesNotSign_unsupported() {
    s.keys.create(NS, "mac", KeyType.HMAC_SHA256, Map.of());
    assertCode(() -> jwt.issue(NS, "mac", Map.of(), null), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> jwt.verify(NS, "mac", "a.b.c"), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> jwt.verify(NS, "missing", "a.b.c"), ErrorCode.NOT_FOUND);
  }

  @Test
  void verify_malformed() {
    s.keys.create(NS, "doc", KeyType.ECDSA_P256, Map.of());
    String good = issue(Map.of("sub", "a"), null);
    String[] p = good.split("\\.");
    assertReason(null, "malformed");
    assertReason("", "malformed");
    assertReason("not a jwt", "malformed");
    assertReason(p[0] + "." + p[1], "malformed");
    assertReason("%%%." + p[1] + "." + p[2], "malformed");
    assertReason(good + "x".repeat(JwtService.MAX_JWT_LENGTH), "malformed");
    // payload not a JSON object
    assertReason(forge("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"doc-v1\"}", "[1,2]", good), "malformed");
    assertReason(forge("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"doc-v1\"}", "\"text\"", good), "malformed");
    // no kid, an unsigned token, a critical extension
    assertReason(forge("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", "{}", good), "malformed");
    assertReason(b64("{\"alg\":\"none\"}") + "." + b64("{}") + ".", "malformed");
    assertReason(forge("{\"alg\":\"ES256\",\"kid\":\"doc-v1\",\"b64\":false,\"crit\":[\"b64\"]}", "{}", good), "malformed");
    assertReason(forge("{\"alg\":\"ES256\",\"kid\":\"doc-v1\",\"b64\":false}", "{}", good), "malformed");
  }

  @Test
  void verify_nonNumericExpInASignedToken_malformed() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String input = b64("{\"alg\":\"EdDSA\",\"kid\":\"doc-v1\"}") + "." + b64("{\"exp\":\"tomorrow\"}");
    String text = signing.sign(NS, "doc", input.getBytes(StandardCharsets.US_ASCII), false).text();
    byte[] raw = dev.rekey.core.crypto.VersionedText.parse(text).bytes();
    String token = input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertReason(token, "malformed");
    assertThat(verify(token).version()).isEqualTo(1);
  }

  @Test
  void verify_wrongKey_kidOfAnotherKeyOrAlgOfAnotherType() {
    s.keys.create(NS, "doc", KeyType.ECDSA_P256, Map.of());
    s.keys.create(NS, "other", KeyType.ECDSA_P256, Map.of());
    s.keys.create(NS, "doc-v1x", KeyType.ECDSA_P256, Map.of());
    String fromOther = jwt.issue(NS, "other", Map.of(), null).jwt();
    assertReason(fromOther, "wrong_key");
    assertThat(jwt.verify(NS, "other", fromOther).valid()).isTrue();
    assertReason(jwt.issue(NS, "doc-v1x", Map.of(), null).jwt(), "wrong_key");

    String good = issue(Map.of(), null);
    assertReason(forge("{\"alg\":\"ES384\",\"typ\":\"JWT\",\"kid\":\"doc-v1\"}", "{}", good), "wrong_key");
    assertReason(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"doc-v1\"}", "{}", good), "wrong_key");
    assertReason(forge("{\"alg\":\"ES256\",\"kid\":\"doc-v01\"}", "{}", good), "wrong_key");
    assertReason(forge("{\"alg\":\"ES256\",\"kid\":\"doc-v\"}", "{}", good), "wrong_key");
    assertReason(forge("{\"alg\":\"ES256\",\"kid\":\"doc\"}", "{}", good), "wrong_key");
  }

  @Test
  void verify_tamperedPayloadOrSignature_invalidSignature() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String good = issue(Map.of("sub", "alice"), Duration.ofHours(1));
    String[] p = good.split("\\.");
    String payload = decode(p[1]).replace("alice", "mallory");
    assertReason(p[0] + "." + b64(payload) + "." + p[2], "invalid_signature");
    assertReason(p[0] + "." + p[1] + "." + p[2].substring(0, 10), "invalid_signature");
    assertReason(p[0] + "." + p[1] + ".", "malformed"); // no signature at all
    JwtService.Verification v = verify(p[0] + "." + b64(payload) + "." + p[2]);
    assertThat(v.kid()).isEqualTo("doc-v1");
    assertThat(v.version()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void verify_v1TokenAfterRotations_validUntilRevoked(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    String v1 = issue(Map.of("sub", "a"), null);
    for (int i = 0; i < 3; i++) {
      s.keys.rotate(NS, "doc", true);
    }
    String v4 = issue(Map.of("sub", "b"), null);
    assertThat(verify(v1).version()).isEqualTo(1);
    assertThat(verify(v1).valid()).isTrue();
    assertThat(verify(v4).kid()).isEqualTo("doc-v4");
    change(1, VersionAction.REVOKE);
    assertReason(v1, "revoked");
    assertThat(verify(v1).version()).isEqualTo(1);
    assertThat(verify(v4).valid()).isTrue();
  }

  @Test
  void verify_disabledThenDestroyed() {
    s.keys.create(NS, "doc", KeyType.ECDSA_P384, Map.of());
    String v1 = issue(Map.of(), null);
    s.keys.rotate(NS, "doc", true);
    change(1, VersionAction.DISABLE);
    assertReason(v1, "disabled");
    change(1, VersionAction.ENABLE);
    assertThat(verify(v1).valid()).isTrue();
    change(1, VersionAction.DISABLE);
    change(1, VersionAction.SCHEDULE_DESTROY);
    s.clock.advance(Duration.ofDays(7));
    change(1, VersionAction.DESTROY);
    assertReason(v1, "destroyed");
  }

  @Test
  void verify_emergencyRotatedThenScheduledForDestruction_staysRevoked() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String v1 = issue(Map.of("sub", "a"), null);
    s.keys.emergencyRotate(NS, "doc");
    assertReason(v1, "revoked");
    change(1, VersionAction.SCHEDULE_DESTROY);
    assertReason(v1, "revoked");
    assertThat(verify(v1).version()).isEqualTo(1);
    assertThat(verify(issue(Map.of("sub", "b"), null)).valid()).isTrue();
  }

  @Test
  void verify_retiredThenScheduledForDestruction_destroyScheduledUntilRestored() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String v1 = issue(Map.of("sub", "a"), null);
    s.keys.rotate(NS, "doc", true);
    change(1, VersionAction.RETIRE);
    assertThat(verify(v1).valid()).isTrue();
    change(1, VersionAction.SCHEDULE_DESTROY);
    assertReason(v1, "destroy_scheduled");
    change(1, VersionAction.CANCEL_DESTROY); // restored to DISABLED
    assertReason(v1, "disabled");
  }

  @Test
  void verify_kidOfAVersionThatDoesNotExist_unknownVersion() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String good = issue(Map.of(), null);
    JwtService.Verification v = verify(forge("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"doc-v9\"}", "{}", good));
    assertThat(v).isEqualTo(new JwtService.Verification(false, null, "doc-v9", 9, "unknown_version"));
  }

  @Test
  void verify_expAndNbf_withSixtySecondsSkew() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String token = issue(Map.of(), Duration.ofMinutes(10));
    assertThat(verify(token).valid()).isTrue();
    s.clock.advance(Duration.ofMinutes(10).plusSeconds(59));
    assertThat(verify(token).valid()).isTrue();
    s.clock.advance(Duration.ofSeconds(1));
    assertReason(token, "expired");
    assertThat(verify(token).version()).isEqualTo(1);

    long now = s.clock.instant().getEpochSecond();
    String later = issue(Map.of("nbf", now + 120), null);
    assertReason(later, "not_yet_valid");
    s.clock.advance(Duration.ofSeconds(60));
    assertThat(verify(later).valid()).isTrue();
  }
}
