package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.crypto.sign.SigningKey;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.root.MaterialBinding;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SigningService over the in-memory repository and a generated root keyring. The lifecycle tests
 * run for the fast signing types; RSA-PSS 3072/4096 (seconds per key) get one test with two
 * versions each, and the algorithms themselves are tested in dev.rekey.core.crypto.sign.
 */
class SigningServiceTest {
  private static final byte[] MESSAGE = "pay 100 to alice".getBytes(StandardCharsets.UTF_8);

  private final Services s = new Services();
  private final SigningService signing = new SigningService(s.cache, s.clock, SigningService.DEFAULT_JWKS_OVERLAP);

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static String hashOf(KeyType type) {
    return switch (type) {
      case ECDSA_P256, RSA_PSS_2048 -> "SHA-256";
      case ECDSA_P384, RSA_PSS_3072 -> "SHA-384";
      case RSA_PSS_4096 -> "SHA-512";
      default -> null;
    };
  }

  private static byte[] digest(String hash, byte[] message) throws Exception {
    return MessageDigest.getInstance(hash).digest(message);
  }

  private static PublicKey parsePem(String pem, KeyType type) throws Exception {
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n");
    String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
    assertThat(body.lines().filter(l -> !l.isEmpty())).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
    String kf = switch (type) {
      case ED25519 -> "Ed25519";
      case ECDSA_P256, ECDSA_P384 -> "EC";
      default -> "RSA";
    };
    return KeyFactory.getInstance(kf).generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
  }

  private String sign(String name) {
    return signing.sign(NS, name, MESSAGE, false).text();
  }

  private SigningService.Verification verify(String name, String signature) {
    return signing.verify(NS, name, MESSAGE, false, signature);
  }

  private void assertValid(String name, String signature, int version) {
    assertThat(verify(name, signature)).isEqualTo(new SigningService.Verification(true, version, null));
  }

  private void assertInvalid(String name, String signature, Integer version, String reason) {
    assertThat(verify(name, signature)).isEqualTo(new SigningService.Verification(false, version, reason));
  }

  private void change(String name, int version, VersionAction action) {
    s.keys.changeVersion(NS, name, version, action, action == VersionAction.SCHEDULE_DESTROY ? 7 : null);
  }

  /** A signature by {@code version} made with its material directly: the service signs only with the primary. */
  private String signWith(String name, int version) {
    KeyCache.Entry e = s.cache.get(NS, name);
    SignatureAlgorithm alg = SignatureAlgorithm.of(e.key().type());
    SigningKey key = s.cache.loaded(e, e.key().requireVersion(version), SigningKey.class, alg::load);
    return new VersionedText(version, alg.sign(key, MESSAGE)).render();
  }

  private static Arguments row(VersionState state, String reason, VersionAction... actions) {
    return Arguments.of(state, reason, Arrays.asList(actions));
  }

  /**
   * What verify answers in every state a version can reach (reason null: valid). Each row signs
   * with version 1 while it is the primary, demotes it by a rotation, then applies the actions to
   * it; the PENDING row instead signs with version 2 of a key rotated without promotion.
   */
  static Stream<Arguments> verifyByState() {
    return Stream.of(
        row(VersionState.PENDING, null),
        row(VersionState.PRIMARY, null, VersionAction.PROMOTE),
        row(VersionState.ACTIVE, null),
        row(VersionState.RETIRED, null, VersionAction.RETIRE),
        row(VersionState.DISABLED, "disabled", VersionAction.DISABLE),
        row(VersionState.DISABLED, "disabled",
            VersionAction.RETIRE, VersionAction.SCHEDULE_DESTROY, VersionAction.CANCEL_DESTROY),
        row(VersionState.REVOKED, "revoked", VersionAction.REVOKE),
        row(VersionState.REVOKED, "revoked",
            VersionAction.REVOKE, VersionAction.SCHEDULE_DESTROY, VersionAction.CANCEL_DESTROY),
        row(VersionState.DESTROY_SCHEDULED, "destroy_scheduled", VersionAction.RETIRE, VersionAction.SCHEDULE_DESTROY),
        row(VersionState.DESTROY_SCHEDULED, "destroy_scheduled", VersionAction.DISABLE, VersionAction.SCHEDULE_DESTROY),
        row(VersionState.DESTROY_SCHEDULED, "revoked", VersionAction.REVOKE, VersionAction.SCHEDULE_DESTROY),
        row(VersionState.DESTROYED, "destroyed",
            VersionAction.DISABLE, VersionAction.SCHEDULE_DESTROY, VersionAction.DESTROY),
        row(VersionState.DESTROYED, "revoked",
            VersionAction.REVOKE, VersionAction.SCHEDULE_DESTROY, VersionAction.DESTROY));
  }

  @ParameterizedTest(name = "{0} after {2}: {1}")
  @MethodSource("verifyByState")
  void verify_versionInEachState_validOnlyWhilePendingPrimaryActiveOrRetired(
      VersionState state, String reason, List<VersionAction> actions) {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    int version;
    String signature;
    if (state == VersionState.PENDING) {
      s.keys.rotate(NS, "doc", false);
      version = 2;
      signature = signWith("doc", 2);
    } else {
      version = 1;
      signature = sign("doc");
      s.keys.rotate(NS, "doc", true);
      for (VersionAction action : actions) {
        if (action == VersionAction.DESTROY) {
          s.clock.advance(Services.MIN_DESTROY_WAIT);
        }
        change("doc", 1, action);
      }
    }
    assertThat(s.keys.get(NS, "doc").requireVersion(version).state()).isEqualTo(state);
    assertThat(verify("doc", signature)).isEqualTo(new SigningService.Verification(reason == null, version, reason));
  }

  @Test
  void verifyByState_everyVersionState_hasARow() {
    assertThat(verifyByState().map(a -> a.get()[0])).containsAll(Arrays.asList(VersionState.values()));
  }

  @Test
  void verify_emergencyRotatedThenScheduledForDestruction_staysRevoked() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    String v1 = sign("doc");
    s.keys.emergencyRotate(NS, "doc");
    assertInvalid("doc", v1, 1, "revoked");
    change("doc", 1, VersionAction.SCHEDULE_DESTROY);
    assertInvalid("doc", v1, 1, "revoked");
    s.clock.advance(Services.MIN_DESTROY_WAIT);
    change("doc", 1, VersionAction.DESTROY);
    assertInvalid("doc", v1, 1, "revoked");
    assertValid("doc", sign("doc"), 2);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void verify_v1SignatureAfterFiveRotations_valid(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    CryptoService.Produced v1 = signing.sign(NS, "doc", MESSAGE, false);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.text()).startsWith("rekey:v1:");
    for (int i = 0; i < 5; i++) {
      s.keys.rotate(NS, "doc", true);
    }
    CryptoService.Produced v6 = signing.sign(NS, "doc", MESSAGE, false);
    assertThat(v6.version()).isEqualTo(6);
    assertThat(v6.text()).startsWith("rekey:v6:");
    assertValid("doc", v1.text(), 1);
    assertValid("doc", v6.text(), 6);
    // verification is for ever: a retired version still verifies (only revoked/destroyed/disabled do not)
    change("doc", 1, VersionAction.RETIRE);
    assertValid("doc", v1.text(), 1);
    // the message is part of what is signed
    assertThat(signing.verify(NS, "doc", "pay 900 to alice".getBytes(StandardCharsets.UTF_8), false, v1.text()))
        .isEqualTo(new SigningService.Verification(false, 1, "invalid_signature"));
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void verify_revokedVersion_falseRevokedWhileOtherVersionsVerify(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    String v1 = sign("doc");
    s.keys.rotate(NS, "doc", true);
    String v2 = sign("doc");
    s.keys.rotate(NS, "doc", true);
    String v3 = sign("doc");
    change("doc", 2, VersionAction.REVOKE);
    assertInvalid("doc", v2, 2, "revoked");
    assertValid("doc", v1, 1);
    assertValid("doc", v3, 3);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void verify_disabledThenDestroyedVersion_falseWithReasonEachTime(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    String v1 = sign("doc");
    s.keys.rotate(NS, "doc", true);
    change("doc", 1, VersionAction.DISABLE);
    assertInvalid("doc", v1, 1, "disabled");
    change("doc", 1, VersionAction.ENABLE);
    assertValid("doc", v1, 1);
    change("doc", 1, VersionAction.DISABLE);
    change("doc", 1, VersionAction.SCHEDULE_DESTROY);
    s.clock.advance(Duration.ofDays(7));
    change("doc", 1, VersionAction.DESTROY);
    assertInvalid("doc", v1, 1, "destroyed");
    assertCode(() -> signing.publicKey(NS, "doc", 1), ErrorCode.ILLEGAL_STATE);
    assertValid("doc", sign("doc"), 2);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "RSA_PSS_2048"})
  void verify_unknownVersionOrGarbage_falseWithReason(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    String v1 = sign("doc");
    String b64 = v1.substring("rekey:v1:".length());
    assertInvalid("doc", "rekey:v9:" + b64, 9, "unknown_version");
    assertInvalid("doc", "rekey:v2:" + b64, 2, "unknown_version");
    for (String garbage : new String[] {"", "garbage", "rekey:", "rekey:v:" + b64, "rekey:v0:" + b64,
        "rekey:vx:" + b64, "rekey:v1:***", "rekey:v1234567890:" + b64, "rekey v1 " + b64}) {
      assertInvalid("doc", garbage, null, "invalid_signature");
    }
    // well-formed text, wrong bytes
    assertInvalid("doc", "rekey:v1:", 1, "invalid_signature");
    assertInvalid("doc", "rekey:v1:AAAA", 1, "invalid_signature");
    byte[] raw = VersionedText.parse(v1).bytes();
    raw[raw.length / 2] ^= 0x04;
    assertInvalid("doc", new VersionedText(1, raw).render(), 1, "invalid_signature");
    // garbage against a missing key is still the missing key
    assertCode(() -> signing.verify(NS, "nope", MESSAGE, false, "garbage"), ErrorCode.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void verify_signatureOfAnotherKeySameType_falseInvalidSignature(KeyType type) {
    s.keys.create(NS, "a", type, Map.of());
    s.keys.create(NS, "b", type, Map.of());
    String byA = sign("a");
    assertValid("a", byA, 1);
    assertInvalid("b", byA, 1, "invalid_signature");
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void jwks_pendingPrimaryActiveOthers_exactlyThoseNewestFirstWithKids(KeyType type) {
    s.keys.create(NS, "doc", type, Map.of());
    s.keys.rotate(NS, "doc", true);
    s.keys.rotate(NS, "doc", true);
    s.keys.rotate(NS, "doc", true);
    Key k = s.keys.rotate(NS, "doc", false); // v5 PENDING, v4 PRIMARY, v1..v3 ACTIVE
    change("doc", 1, VersionAction.DISABLE);
    change("doc", 2, VersionAction.REVOKE);
    k = s.keys.get(NS, "doc");

    List<Map<String, Object>> jwks = signing.jwks(k);
    assertThat(jwks).extracting(j -> j.get("kid")).containsExactly("doc-v5", "doc-v4", "doc-v3");
    for (Map<String, Object> jwk : jwks) {
      int version = Integer.parseInt(((String) jwk.get("kid")).substring("doc-v".length()));
      assertThat(jwk).containsEntry("alg", type.algorithm()).containsEntry("use", "sig");
      assertThat(jwk).isEqualTo(signing.publicKey(NS, "doc", version).jwk());
    }
    assertThat(SigningService.kid(k, 5)).isEqualTo("doc-v5");
    // the pending version is published but does not sign yet
    assertValid("doc", sign("doc"), 4);
    s.keys.changeVersion(NS, "doc", 5, VersionAction.PROMOTE, null);
    assertThat(signing.jwks(s.keys.get(NS, "doc"))).extracting(j -> j.get("kid"))
        .containsExactly("doc-v5", "doc-v4", "doc-v3");
    assertValid("doc", sign("doc"), 5);
  }

  @Test
  void jwks_activeVersionAfterOverlap_leavesJwksButStillVerifies() {
    s.keys.create(NS, "doc", KeyType.ECDSA_P256, Map.of());
    String v1 = sign("doc");
    s.keys.rotate(NS, "doc", true);
    s.clock.advance(SigningService.DEFAULT_JWKS_OVERLAP.minusSeconds(1));
    assertThat(signing.jwks(s.keys.get(NS, "doc"))).extracting(j -> j.get("kid")).containsExactly("doc-v2", "doc-v1");
    s.clock.advance(Duration.ofSeconds(1));
    assertThat(signing.jwks(s.keys.get(NS, "doc"))).extracting(j -> j.get("kid")).containsExactly("doc-v2");
    assertValid("doc", v1, 1);
    assertThat(signing.publicKey(NS, "doc", 1).jwk()).containsEntry("kid", "doc-v1");
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void publicKey_noVersion_primarysPemAndJwk(KeyType type) throws Exception {
    s.keys.create(NS, "doc", type, Map.of());
    s.keys.rotate(NS, "doc", true);
    SigningService.PublicKeyInfo primary = signing.publicKey(NS, "doc", null);
    SigningService.PublicKeyInfo v2 = signing.publicKey(NS, "doc", 2);
    SigningService.PublicKeyInfo v1 = signing.publicKey(NS, "doc", 1);
    assertThat(primary).isEqualTo(v2);
    assertThat(primary.version()).isEqualTo(2);
    assertThat(primary.algorithm()).isEqualTo(type.algorithm());
    assertThat(primary.jwk()).containsEntry("kid", "doc-v2");
    assertThat(v1.pem()).isNotEqualTo(v2.pem());
    assertThat(parsePem(v2.pem(), type)).isNotEqualTo(parsePem(v1.pem(), type));
    // the PEM is the same key as the JWK
    PublicKey pem = parsePem(primary.pem(), type);
    if (pem instanceof java.security.interfaces.ECPublicKey ec) {
      assertThat(new java.math.BigInteger(1, Base64.getUrlDecoder().decode((String) primary.jwk().get("x"))))
          .isEqualTo(ec.getW().getAffineX());
      assertThat(new java.math.BigInteger(1, Base64.getUrlDecoder().decode((String) primary.jwk().get("y"))))
          .isEqualTo(ec.getW().getAffineY());
    } else if (pem instanceof java.security.interfaces.RSAPublicKey rsa) {
      assertThat(new java.math.BigInteger(1, Base64.getUrlDecoder().decode((String) primary.jwk().get("n"))))
          .isEqualTo(rsa.getModulus());
    } else {
      byte[] der = pem.getEncoded();
      byte[] x = Base64.getUrlDecoder().decode((String) primary.jwk().get("x"));
      assertThat(java.util.Arrays.copyOfRange(der, der.length - 32, der.length)).isEqualTo(x);
    }
    // and it verifies what the key signs
    if (type != KeyType.ED25519) {
      String jca = switch (type) {
        case ECDSA_P256 -> "SHA256withECDSAinP1363Format";
        case ECDSA_P384 -> "SHA384withECDSAinP1363Format";
        default -> "RSASSA-PSS";
      };
      java.security.Signature sig = java.security.Signature.getInstance(jca);
      if (type == KeyType.RSA_PSS_2048) {
        sig.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
      }
      sig.initVerify(pem);
      sig.update(MESSAGE);
      assertThat(sig.verify(VersionedText.parse(sign("doc")).bytes())).isTrue();
    } else {
      java.security.Signature sig = java.security.Signature.getInstance("Ed25519");
      sig.initVerify(pem);
      sig.update(MESSAGE);
      assertThat(sig.verify(VersionedText.parse(sign("doc")).bytes())).isTrue();
    }
    assertCode(() -> signing.publicKey(NS, "doc", 3), ErrorCode.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ECDSA_P256", "ECDSA_P384", "RSA_PSS_2048"})
  void signAndVerify_prehashedDigest_interchangeableWithMessage(KeyType type) throws Exception {
    s.keys.create(NS, "doc", type, Map.of());
    byte[] d = digest(hashOf(type), MESSAGE);
    String fromDigest = signing.sign(NS, "doc", d, true).text();
    String fromMessage = sign("doc");
    assertValid("doc", fromDigest, 1);
    assertThat(signing.verify(NS, "doc", d, true, fromMessage)).isEqualTo(new SigningService.Verification(true, 1, null));
    assertThat(signing.verify(NS, "doc", d, true, fromDigest)).isEqualTo(new SigningService.Verification(true, 1, null));
    byte[] wrongLength = digest(type == KeyType.ECDSA_P384 ? "SHA-256" : "SHA-384", MESSAGE);
    assertCode(() -> signing.sign(NS, "doc", wrongLength, true), ErrorCode.INVALID_REQUEST);
    assertCode(() -> signing.verify(NS, "doc", wrongLength, true, fromMessage), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void sign_ed25519Prehashed_unsupportedOperation() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    byte[] d = new byte[64];
    assertCode(() -> signing.sign(NS, "doc", d, true), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> signing.verify(NS, "doc", d, true, sign("doc")), ErrorCode.UNSUPPORTED_OPERATION);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"RSA_PSS_3072", "RSA_PSS_4096"})
  void signAndVerify_largeRsaKeyAcrossRotation_validAndPublished(KeyType type) throws Exception {
    s.keys.create(NS, "doc", type, Map.of());
    String v1 = sign("doc");
    String v1Digest = signing.sign(NS, "doc", digest(hashOf(type), MESSAGE), true).text();
    Key k = s.keys.rotate(NS, "doc", true);
    String v2 = sign("doc");
    assertValid("doc", v1, 1);
    assertValid("doc", v1Digest, 1);
    assertValid("doc", v2, 2);
    assertInvalid("doc", "rekey:v2:" + v1.substring("rekey:v1:".length()), 2, "invalid_signature");
    assertThat(VersionedText.parse(v2).bytes()).hasSize(type == KeyType.RSA_PSS_3072 ? 384 : 512);
    assertThat(signing.jwks(k)).extracting(j -> j.get("kid"), j -> j.get("alg"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("doc-v2", type.algorithm()),
            org.assertj.core.groups.Tuple.tuple("doc-v1", type.algorithm()));
    assertThat(((java.security.interfaces.RSAPublicKey) parsePem(signing.publicKey(NS, "doc", null).pem(), type))
        .getModulus().bitLength()).isEqualTo(type == KeyType.RSA_PSS_3072 ? 3072 : 4096);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"HMAC_SHA384", "HMAC_SHA512"})
  void mac_hmacSha384And512_tagOfTheKeysHashAndVerifies(KeyType type) throws Exception {
    Key k = s.keys.create(NS, "tags", type, Map.of());
    CryptoService.Produced tag = s.crypto.mac(NS, "tags", MESSAGE);
    byte[] raw = VersionedText.parse(tag.text()).bytes();
    assertThat(raw).hasSize(type.materialLength());

    // the same tag from the JCA with the unwrapped material: the key's hash is really used
    byte[] material = s.ring.unwrap(k.primary().material(), MaterialBinding.keyVersion(NS, "tags", 1))
        .reveal(SecretAccess.get());
    assertThat(material).hasSize(type.materialLength());
    Mac mac = Mac.getInstance(type.algorithm());
    mac.init(new SecretKeySpec(material, type.algorithm()));
    mac.update(VersionedText.headerBytes(1));
    assertThat(mac.doFinal(MESSAGE)).isEqualTo(raw);

    assertThat(s.crypto.verifyMac(NS, "tags", MESSAGE, tag.text())).isTrue();
    assertThat(s.crypto.verifyMac(NS, "tags", "other".getBytes(StandardCharsets.UTF_8), tag.text())).isFalse();
    raw[0] ^= 1;
    assertThat(s.crypto.verifyMac(NS, "tags", MESSAGE, new VersionedText(1, raw).render())).isFalse();
    s.keys.rotate(NS, "tags", true);
    assertThat(s.crypto.verifyMac(NS, "tags", MESSAGE, tag.text())).isTrue();
    assertThat(s.crypto.mac(NS, "tags", MESSAGE).version()).isEqualTo(2);
    // a MAC key does not sign
    assertCode(() -> signing.sign(NS, "tags", MESSAGE, false), ErrorCode.UNSUPPORTED_OPERATION);
  }

  @Test
  void signVerifyPublicKey_encryptionKey_unsupportedOperation() {
    Key aes = s.keys.create(NS, "secrets", KeyType.AES256_GCM, Map.of());
    assertCode(() -> signing.sign(NS, "secrets", MESSAGE, false), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> signing.sign(NS, "secrets", new byte[32], true), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> signing.verify(NS, "secrets", MESSAGE, false, "rekey:v1:AAAA"), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> signing.verify(NS, "secrets", MESSAGE, false, "garbage"), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> signing.publicKey(NS, "secrets", null), ErrorCode.UNSUPPORTED_OPERATION);
    assertThat(signing.jwks(aes)).isEmpty();
    // and a signing key does not encrypt or MAC
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    assertCode(() -> s.crypto.encrypt(NS, "doc", MESSAGE, null), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.mac(NS, "doc", MESSAGE), ErrorCode.UNSUPPORTED_OPERATION);
  }

  @Test
  void sign_missingKey_notFound() {
    assertCode(() -> signing.sign(NS, "nope", MESSAGE, false), ErrorCode.NOT_FOUND);
    assertCode(() -> signing.publicKey(NS, "nope", null), ErrorCode.NOT_FOUND);
  }

  @Test
  void verify_versionCreatedOnAnotherNode_refreshesAndVerifies() {
    s.keys.create(NS, "doc", KeyType.ED25519, Map.of());
    assertValid("doc", sign("doc"), 1); // this node caches the key with one version
    Services other = s.otherNode(Duration.ofMinutes(10));
    other.keys.rotate(NS, "doc", true);
    String v2 = new SigningService(other.cache).sign(NS, "doc", MESSAGE, false).text();
    assertValid("doc", v2, 2);
  }
}
