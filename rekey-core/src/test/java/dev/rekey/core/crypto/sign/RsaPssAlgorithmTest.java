package dev.rekey.core.crypto.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RSASSA-PSS cross-checked against an independent implementation: BouncyCastle's JCA provider
 * (used directly, not installed), with the JWS parameter sets. Keys come from {@link SignTestKeys}
 * (generated once, in parallel).
 */
class RsaPssAlgorithmTest {
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final byte[] MESSAGE = "eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJyZWtleSJ9".getBytes(StandardCharsets.US_ASCII);

  record Case(RsaPssAlgorithm alg, int bits, String hash, String bcName, MGF1ParameterSpec mgf, int saltLength,
      String jws) {}

  static Stream<Arguments> sizes() {
    return Stream.of(
        new Case(RsaPssAlgorithm.RSA_2048, 2048, "SHA-256", "SHA256withRSAandMGF1", MGF1ParameterSpec.SHA256, 32, "PS256"),
        new Case(RsaPssAlgorithm.RSA_3072, 3072, "SHA-384", "SHA384withRSAandMGF1", MGF1ParameterSpec.SHA384, 48, "PS384"),
        new Case(RsaPssAlgorithm.RSA_4096, 4096, "SHA-512", "SHA512withRSAandMGF1", MGF1ParameterSpec.SHA512, 64, "PS512"))
        .map(c -> Arguments.of(named("rsa-pss-" + c.bits(), c)));
  }

  private static KeyPairMaterial.Decoded jca(RsaPssAlgorithm alg) {
    return KeyPairMaterial.decode(SignTestKeys.firstMaterial(alg), "RSA");
  }

  private static Signature bc(Case c) throws Exception {
    Signature s = Signature.getInstance(c.bcName(), BC);
    s.setParameter(new PSSParameterSpec(c.hash(), "MGF1", c.mgf(), c.saltLength(), 1));
    return s;
  }

  private static boolean bcVerify(Case c, PublicKey key, byte[] message, byte[] signature) throws Exception {
    Signature s = bc(c);
    s.initVerify(key);
    s.update(message);
    return s.verify(signature);
  }

  private static byte[] bcSign(Case c, PrivateKey key, byte[] message) throws Exception {
    Signature s = bc(c);
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void sign_messageAndDigest_verifiedByBouncyCastleProvider(Case c) throws Exception {
    SigningKey key = SignTestKeys.first(c.alg());
    PublicKey pub = jca(c.alg()).publicKey();

    byte[] fromMessage = c.alg().sign(key, MESSAGE);
    byte[] fromDigest = c.alg().signDigest(key, SignTestKeys.digest(c.hash(), MESSAGE));
    assertThat(fromMessage).hasSize(c.bits() / 8);
    assertThat(fromDigest).hasSize(c.bits() / 8);
    assertThat(bcVerify(c, pub, MESSAGE, fromMessage)).isTrue();
    assertThat(bcVerify(c, pub, MESSAGE, fromDigest)).isTrue();
    assertThat(bcVerify(c, pub, "other".getBytes(StandardCharsets.US_ASCII), fromMessage)).isFalse();
    // PSS is randomized (salt as long as the hash): two signatures differ
    assertThat(c.alg().sign(key, MESSAGE)).isNotEqualTo(fromMessage);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void verify_bouncyCastleProviderSignature_trueForMessageAndDigest(Case c) throws Exception {
    SigningKey key = SignTestKeys.first(c.alg());
    byte[] theirs = bcSign(c, jca(c.alg()).privateKey(), MESSAGE);
    assertThat(c.alg().verify(key, MESSAGE, theirs)).isTrue();
    assertThat(c.alg().verifyDigest(key, SignTestKeys.digest(c.hash(), MESSAGE), theirs)).isTrue();
    assertThat(c.alg().verify(SignTestKeys.second(c.alg()), MESSAGE, theirs)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void publicJwk_generatedKey_unsignedModulusAndExponent(Case c) {
    SigningKey key = SignTestKeys.first(c.alg());
    Map<String, Object> jwk = c.alg().publicJwk(key);
    assertThat(jwk).containsOnlyKeys("kty", "n", "e").containsEntry("kty", "RSA").containsEntry("e", "AQAB");
    byte[] n = Base64.getUrlDecoder().decode((String) jwk.get("n"));
    assertThat(n).hasSize(c.bits() / 8);
    assertThat(n[0]).isNotZero();
    assertThat(new BigInteger(1, n)).isEqualTo(((RSAPublicKey) key.publicKey()).getModulus());
    assertThat((String) jwk.get("n")).doesNotContain("=", "+", "/");
    assertThat(c.alg().jwsAlgorithm()).isEqualTo(c.jws());
  }
}
