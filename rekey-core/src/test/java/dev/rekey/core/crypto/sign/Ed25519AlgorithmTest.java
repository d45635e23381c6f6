package dev.rekey.core.crypto.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Ed25519AlgorithmTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Ed25519Algorithm ED = Ed25519Algorithm.INSTANCE;

  @Test
  void instance_linuxX86_64_signsNatively() {
    assertThat(ED.isNative()).isEqualTo(NativeSigning.expected());
    assertThat(NativeCrypto.status()).isNotBlank();
    assertThat(Ed25519Algorithm.PORTABLE.isNative()).isFalse();
    SigningKey key = ED.load(ED.generate());
    if (ED.isNative()) {
      assertThat(key.nativeKey().loaded()).as("loaded on the first signature, not before").isFalse();
      ED.sign(key, new byte[] {1});
      assertThat(key.nativeKey().loadedKeyClass()).startsWith("com.amazon.corretto.crypto.provider.");
    } else {
      assertThat(key.nativeKey()).isNull();
    }
    assertThat(Ed25519Algorithm.PORTABLE.load(ED.generate()).nativeKey()).isNull();
  }

  @Test
  void sign_messagesAroundTheNativeLimitAndOver1MiB_sameAsPortableAndVerify() {
    SecretBytes material = ED.generate();
    SigningKey key = ED.load(material);
    SigningKey portable = Ed25519Algorithm.PORTABLE.load(SecretBytes.copyOf(material.reveal(SecretAccess.get())));
    java.util.Random random = new java.util.Random(3);
    for (int length : new int[] {Ed25519Algorithm.NATIVE_MAX_MESSAGE, Ed25519Algorithm.NATIVE_MAX_MESSAGE + 1,
        (1 << 20) + 1, 3 << 20}) {
      byte[] msg = new byte[length];
      random.nextBytes(msg);
      byte[] sig = ED.sign(key, msg);
      assertThat(sig).as("%d bytes", length).isEqualTo(Ed25519Algorithm.PORTABLE.sign(portable, msg));
      assertThat(ED.verify(key, msg, sig)).isTrue();
    }
  }

  @Test
  void sign_manyThreadsOneKey_everySignatureValid() throws Exception {
    SigningKey key = SignTestKeys.first(ED);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          java.util.Random random = new java.util.Random(seed);
          for (int i = 0; i < 300; i++) {
            byte[] msg = new byte[1 + random.nextInt(100)];
            random.nextBytes(msg);
            if (!Ed25519Algorithm.PORTABLE.verify(key, msg, ED.sign(key, msg))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (var f : futures) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sign_nativeAndPortable_sameSignatureForManyKeysAndMessages() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] msg = new byte[random.nextInt(300)];
      random.nextBytes(msg);
      SigningKey fromInstance = ED.load(SecretBytes.copyOf(seed));
      SigningKey portable = Ed25519Algorithm.PORTABLE.load(SecretBytes.copyOf(seed));
      byte[] sig = ED.sign(fromInstance, msg);
      assertThat(sig).isEqualTo(Ed25519Algorithm.PORTABLE.sign(portable, msg));
      assertThat(Ed25519Algorithm.PORTABLE.verify(portable, msg, sig)).isTrue();
      assertThat(fromInstance.publicDer()).isEqualTo(portable.publicDer());
    }
  }

  /**
   * RFC 8032 section 7.1, TEST 1 (empty message) and TEST 3 (two bytes): seed, public key, message,
   * signature; signed natively where native signing is in use, and by the BouncyCastle code alone.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "TEST 1, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
          + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
          + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      "TEST 3, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
          + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
          + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"})
  void sign_rfc8032Seed_exactSignatureAndPublicKey(String name, String seed, String publicKey, String message,
      String signature) throws Exception {
    byte[] msg = message == null ? new byte[0] : HEX.parseHex(message);
    SigningKey key = ED.load(SecretBytes.wrap(HEX.parseHex(seed)));

    assertThat(HEX.formatHex(ED.sign(key, msg))).isEqualTo(signature);
    SigningKey portable = Ed25519Algorithm.PORTABLE.load(SecretBytes.wrap(HEX.parseHex(seed)));
    assertThat(HEX.formatHex(Ed25519Algorithm.PORTABLE.sign(portable, msg))).isEqualTo(signature);
    assertThat(ED.verify(key, msg, HEX.parseHex(signature))).isTrue();

    Map<String, Object> jwk = ED.publicJwk(key);
    assertThat(jwk).containsOnlyKeys("kty", "crv", "x").containsEntry("kty", "OKP").containsEntry("crv", "Ed25519");
    assertThat(HEX.formatHex(Base64.getUrlDecoder().decode((String) jwk.get("x")))).isEqualTo(publicKey);
    assertThat((String) jwk.get("x")).doesNotContain("=");

    // the DER is an X.509 SubjectPublicKeyInfo the JDK reads, and the JDK verifies the RFC signature with it
    var jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key.publicDer()));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(jdkKey);
    jdk.update(msg);
    assertThat(jdk.verify(HEX.parseHex(signature))).isTrue();
    assertThat(HEX.formatHex(key.publicDer())).endsWith(publicKey);
  }

  @Test
  void signDigestAndVerifyDigest_ed25519_unsupportedOperation() {
    SigningKey key = SignTestKeys.first(ED);
    for (int length : new int[] {32, 64}) {
      assertThatThrownBy(() -> ED.signDigest(key, new byte[length])).isInstanceOfSatisfying(RekeyException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
      assertThatThrownBy(() -> ED.verifyDigest(key, new byte[length], new byte[64]))
          .isInstanceOfSatisfying(RekeyException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
    }
  }

  @Test
  void generate_material_is32ByteSeedAndSignaturesDeterministic() {
    SecretBytes material = ED.generate();
    assertThat(material.length()).isEqualTo(32);
    SigningKey a = ED.load(material);
    SigningKey b = ED.load(SecretBytes.copyOf(material.reveal(SecretAccess.get())));
    assertThat(a.publicDer()).isEqualTo(b.publicDer());
    assertThat(ED.sign(a, new byte[] {1, 2, 3})).isEqualTo(ED.sign(b, new byte[] {1, 2, 3}));
    assertThat(ED.jwsAlgorithm()).isEqualTo("EdDSA");
  }
}
