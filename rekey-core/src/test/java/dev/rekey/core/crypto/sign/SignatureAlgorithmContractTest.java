package dev.rekey.core.crypto.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.key.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What every signature algorithm promises: failed verification is {@code false}, never an exception. */
class SignatureAlgorithmContractTest {
  private static final byte[] MESSAGE = "the quick brown fox".getBytes(StandardCharsets.UTF_8);

  static Stream<Arguments> algorithms() {
    return SignTestKeys.ALL.stream().map(a -> Arguments.of(named(SignTestKeys.name(a), a)));
  }

  static Stream<Arguments> digestAlgorithms() {
    return SignTestKeys.ALL.stream().filter(a -> SignTestKeys.hashOf(a) != null)
        .map(a -> Arguments.of(named(SignTestKeys.name(a), a)));
  }

  /** Every wrong signature we can think of for {@code good}: flipped bits, wrong lengths, extremes. */
  private static Stream<byte[]> wrongSignatures(byte[] good) {
    Stream.Builder<byte[]> out = Stream.builder();
    for (int i : new int[] {0, good.length / 2, good.length - 1}) {
      byte[] flipped = good.clone();
      flipped[i] ^= 0x01;
      out.add(flipped);
    }
    out.add(new byte[0]);
    out.add(Arrays.copyOf(good, good.length - 1));
    out.add(Arrays.copyOf(good, good.length + 1));
    out.add(new byte[2 * good.length]);
    out.add(new byte[good.length]);
    byte[] ones = new byte[good.length];
    Arrays.fill(ones, (byte) 0xff);
    out.add(ones);
    return out.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void verify_ownSignature_true(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    byte[] sig = alg.sign(key, MESSAGE);
    assertThat(alg.verify(key, MESSAGE, sig)).isTrue();
    assertThat(alg.verify(key, new byte[0], alg.sign(key, new byte[0]))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void verify_tamperedOrWrongLengthSignature_falseWithoutException(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    byte[] sig = alg.sign(key, MESSAGE);
    wrongSignatures(sig).forEach(bad ->
        assertThat(alg.verify(key, MESSAGE, bad)).as("%d bytes %s", bad.length, HexFormat.of().formatHex(bad))
            .isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("digestAlgorithms")
  void verifyDigest_tamperedOrWrongLengthSignature_falseWithoutException(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    byte[] digest = SignTestKeys.digest(SignTestKeys.hashOf(alg), MESSAGE);
    byte[] sig = alg.signDigest(key, digest);
    assertThat(alg.verifyDigest(key, digest, sig)).isTrue();
    wrongSignatures(sig).forEach(bad ->
        assertThat(alg.verifyDigest(key, digest, bad)).as("%d bytes %s", bad.length, HexFormat.of().formatHex(bad))
            .isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void verify_otherMessageOrOtherKey_false(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    SigningKey other = SignTestKeys.second(alg);
    byte[] sig = alg.sign(key, MESSAGE);
    assertThat(alg.verify(other, MESSAGE, sig)).isFalse();
    assertThat(alg.verify(key, "the quick brown fox!".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(alg.verify(other, MESSAGE, alg.sign(other, MESSAGE))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("digestAlgorithms")
  void verifyDigest_otherKey_false(SignatureAlgorithm alg) {
    byte[] digest = SignTestKeys.digest(SignTestKeys.hashOf(alg), MESSAGE);
    byte[] sig = alg.signDigest(SignTestKeys.first(alg), digest);
    assertThat(alg.verifyDigest(SignTestKeys.second(alg), digest, sig)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("digestAlgorithms")
  void signDigest_digestOfMessage_sameSemanticsAsMessageSigning(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    byte[] digest = SignTestKeys.digest(SignTestKeys.hashOf(alg), MESSAGE);
    assertThat(alg.verify(key, MESSAGE, alg.signDigest(key, digest))).isTrue();
    assertThat(alg.verifyDigest(key, digest, alg.sign(key, MESSAGE))).isTrue();
    byte[] otherDigest = SignTestKeys.digest(SignTestKeys.hashOf(alg), new byte[] {1});
    assertThat(alg.verify(key, MESSAGE, alg.signDigest(key, otherDigest))).isFalse();
    assertThat(alg.verifyDigest(key, otherDigest, alg.sign(key, MESSAGE))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("digestAlgorithms")
  void signDigestAndVerifyDigest_wrongDigestLength_invalidRequest(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    int length = SignTestKeys.digest(SignTestKeys.hashOf(alg), MESSAGE).length;
    byte[] sig = alg.sign(key, MESSAGE);
    for (int wrong : new int[] {0, 20, length - 1, length + 1, 32 == length ? 48 : 32, 64 == length ? 48 : 64}) {
      byte[] digest = new byte[wrong];
      assertThatThrownBy(() -> alg.signDigest(key, digest)).as("%d bytes", wrong)
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
      assertThatThrownBy(() -> alg.verifyDigest(key, digest, sig)).as("%d bytes", wrong)
          .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void publicDer_parsedByKeyFactory_sameKey(SignatureAlgorithm alg) throws Exception {
    SigningKey key = SignTestKeys.first(alg);
    byte[] der = key.publicDer();
    String kfAlgorithm = alg instanceof Ed25519Algorithm ? "Ed25519" : alg instanceof EcdsaAlgorithm ? "EC" : "RSA";
    PublicKey parsed = KeyFactory.getInstance(kfAlgorithm).generatePublic(new X509EncodedKeySpec(der));
    assertThat(parsed.getEncoded()).isEqualTo(der);
    if (!(alg instanceof Ed25519Algorithm)) {
      assertThat(parsed).isEqualTo(key.publicKey());
    }
    // a copy each time: callers cannot change the key's DER
    der[der.length - 1] ^= 1;
    assertThat(key.publicDer()).isNotEqualTo(der);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void toString_signingKeyAndDecodedMaterial_redacted(SignatureAlgorithm alg) {
    SigningKey key = SignTestKeys.first(alg);
    assertThat(key.toString()).isEqualTo("SigningKey[redacted]");
    if (!(alg instanceof Ed25519Algorithm)) {
      KeyPairMaterial.Decoded d = KeyPairMaterial.decode(SignTestKeys.firstMaterial(alg),
          alg instanceof EcdsaAlgorithm ? "EC" : "RSA");
      assertThat(d.toString()).isEqualTo("KeyPairMaterial.Decoded[redacted]");
    }
    assertThat(SignTestKeys.firstMaterial(alg).toString())
        .doesNotContain(HexFormat.of().formatHex(SignTestKeys.firstMaterial(alg).reveal(SecretAccess.get())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void generate_twice_differentKeys(SignatureAlgorithm alg) {
    assertThat(SignTestKeys.first(alg).publicDer()).isNotEqualTo(SignTestKeys.second(alg).publicDer());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KeyType.class)
  void of_keyType_algorithmMatchesJwsNameOrUnsupported(KeyType type) {
    if (type.purpose() == dev.rekey.core.key.KeyPurpose.SIGNING) {
      assertThat(SignatureAlgorithm.of(type).jwsAlgorithm()).isEqualTo(type.algorithm());
    } else {
      assertThatThrownBy(() -> SignatureAlgorithm.of(type)).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
    }
  }

  @Test
  void keyType_newEntries_wireNamesPurposesAndMaterialLengths() {
    assertThat(KeyType.fromWire("ed25519")).isEqualTo(KeyType.ED25519);
    assertThat(KeyType.fromWire("ecdsa-p256")).isEqualTo(KeyType.ECDSA_P256);
    assertThat(KeyType.fromWire("ecdsa-p384")).isEqualTo(KeyType.ECDSA_P384);
    assertThat(KeyType.fromWire("rsa-pss-2048")).isEqualTo(KeyType.RSA_PSS_2048);
    assertThat(KeyType.fromWire("rsa-pss-3072")).isEqualTo(KeyType.RSA_PSS_3072);
    assertThat(KeyType.fromWire("rsa-pss-4096")).isEqualTo(KeyType.RSA_PSS_4096);
    assertThat(KeyType.fromWire("hmac-sha384").materialLength()).isEqualTo(48);
    assertThat(KeyType.fromWire("hmac-sha512").materialLength()).isEqualTo(64);
    assertThat(KeyType.HMAC_SHA384.algorithm()).isEqualTo("HmacSHA384");
    assertThat(KeyType.HMAC_SHA512.algorithm()).isEqualTo("HmacSHA512");
    assertThat(KeyType.HMAC_SHA512.purpose()).isEqualTo(dev.rekey.core.key.KeyPurpose.MAC);
  }
}
