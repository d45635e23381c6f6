package dev.rekey.core.crypto.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.crypto.SecretBytes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcdsaAlgorithmTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SAMPLE = "sample".getBytes(StandardCharsets.US_ASCII);

  /** A signing key made from RFC 6979's private scalar and public point, stored as our material. */
  private static SigningKey rfcKey(EcdsaAlgorithm alg, String curve, String x, String ux, String uy) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(curve));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    KeyFactory kf = KeyFactory.getInstance("EC");
    KeyPair pair = new KeyPair(
        kf.generatePublic(new ECPublicKeySpec(new ECPoint(new BigInteger(ux, 16), new BigInteger(uy, 16)), spec)),
        kf.generatePrivate(new ECPrivateKeySpec(new BigInteger(x, 16), spec)));
    SecretBytes material = KeyPairMaterial.encode(pair);
    return alg.load(material);
  }

  /** r and s as in JWS: each unsigned, big-endian, exactly {@code size} bytes. */
  private static byte[] rs(String r, String s, int size) {
    byte[] out = new byte[2 * size];
    System.arraycopy(EcdsaAlgorithm.fixed(new BigInteger(r, 16), size), 0, out, 0, size);
    System.arraycopy(EcdsaAlgorithm.fixed(new BigInteger(s, 16), size), 0, out, size, size);
    return out;
  }

  /** RFC 6979 A.2.5 (P-256, SHA-256) and A.2.6 (P-384, SHA-384), message "sample". */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "P-256, secp256r1, SHA-256, 32,"
          + " C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721,"
          + " 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6,"
          + " 7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299,"
          + " EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,"
          + " F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
      "P-384, secp384r1, SHA-384, 48,"
          + " 6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5,"
          + " EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13,"
          + " 8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720,"
          + " 94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46,"
          + " 99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"})
  void rfc6979Sample_signsToTheRfcSignature_andVerifies(String crv, String curve, String hash, int size,
      String x, String ux, String uy, String r, String s) throws Exception {
    EcdsaAlgorithm alg = crv.equals("P-256") ? EcdsaAlgorithm.PORTABLE_P256 : EcdsaAlgorithm.PORTABLE_P384;
    SigningKey key = rfcKey(alg, curve, x, ux, uy);
    byte[] sig = rs(r, s, size);

    assertThat(alg.verify(key, SAMPLE, sig)).isTrue();
    assertThat(alg.verifyDigest(key, SignTestKeys.digest(hash, SAMPLE), sig)).isTrue();
    assertThat(alg.verify(key, "test".getBytes(StandardCharsets.US_ASCII), sig)).isFalse();
    byte[] flipped = sig.clone();
    flipped[size] ^= 0x80;
    assertThat(alg.verify(key, SAMPLE, flipped)).isFalse();

    // the JWK carries the RFC's public point, each coordinate in exactly `size` bytes
    Map<String, Object> jwk = alg.publicJwk(key);
    assertThat(jwk).containsOnlyKeys("kty", "crv", "x", "y").containsEntry("kty", "EC").containsEntry("crv", crv);
    assertThat(HEX.formatHex(Base64.getUrlDecoder().decode((String) jwk.get("x")))).isEqualToIgnoringCase(ux);
    assertThat(HEX.formatHex(Base64.getUrlDecoder().decode((String) jwk.get("y")))).isEqualToIgnoringCase(uy);

    // signing is RFC 6979 (deterministic k): the RFC's own signature, from the message and the digest
    assertThat(HEX.formatHex(alg.sign(key, SAMPLE))).isEqualTo(HEX.formatHex(sig));
    assertThat(HEX.formatHex(alg.signDigest(key, SignTestKeys.digest(hash, SAMPLE)))).isEqualTo(HEX.formatHex(sig));
    assertThat(alg.verify(key, "test".getBytes(StandardCharsets.US_ASCII),
        alg.sign(key, "test".getBytes(StandardCharsets.US_ASCII)))).isTrue();

    // native signing (hedged nonces, so not the RFC's bytes) on the same key: the portable code and
    // the JDK verify its signatures, from the message and from the digest, and it signs fresh each time
    EcdsaAlgorithm fast = crv.equals("P-256") ? EcdsaAlgorithm.P256 : EcdsaAlgorithm.P384;
    SigningKey fastKey = rfcKey(fast, curve, x, ux, uy);
    byte[] nativeSig = fast.sign(fastKey, SAMPLE);
    assertThat(nativeSig).hasSize(2 * size);
    assertThat(alg.verify(key, SAMPLE, nativeSig)).isTrue();
    assertThat(alg.verify(key, SAMPLE, fast.signDigest(fastKey, SignTestKeys.digest(hash, SAMPLE)))).isTrue();
    java.security.Signature jdk = java.security.Signature.getInstance(hash.replace("-", "") + "withECDSAinP1363Format");
    jdk.initVerify((java.security.PublicKey) key.publicKey());
    jdk.update(SAMPLE);
    assertThat(jdk.verify(nativeSig)).isTrue();
    if (fast.isNative()) {
      assertThat(fast.sign(fastKey, SAMPLE)).isNotEqualTo(nativeSig);
    }
  }

  @Test
  void instances_linuxX86_64_signNatively() {
    for (EcdsaAlgorithm alg : new EcdsaAlgorithm[] {EcdsaAlgorithm.P256, EcdsaAlgorithm.P384}) {
      assertThat(alg.isNative()).isEqualTo(NativeSigning.expected());
      SigningKey key = alg.load(alg.generate());
      if (alg.isNative()) {
        assertThat(key.nativeKey().loaded()).as("loaded on the first signature, not before").isFalse();
        alg.signDigest(key, new byte[alg == EcdsaAlgorithm.P256 ? 32 : 48]);
        assertThat(key.nativeKey().loadedKeyClass()).startsWith("com.amazon.corretto.crypto.provider.");
      } else {
        assertThat(key.nativeKey()).isNull();
      }
    }
    assertThat(EcdsaAlgorithm.PORTABLE_P256.isNative()).isFalse();
    assertThat(EcdsaAlgorithm.PORTABLE_P384.load(EcdsaAlgorithm.PORTABLE_P384.generate()).nativeKey()).isNull();
  }

  @Test
  void concatenated_derWithShortAndSignPaddedIntegers_fixedLengthRAndS() {
    // r = 0x01 (one byte), s = 0x80 00 .. 00 (32 bytes, DER-encoded with a leading 0x00)
    byte[] sBytes = new byte[32];
    sBytes[0] = (byte) 0x80;
    byte[] der = HEX.parseHex("3026" + "020101" + "022100" + HEX.formatHex(sBytes));
    byte[] out = EcdsaAlgorithm.concatenated(der, 32);
    assertThat(out).hasSize(64);
    assertThat(new BigInteger(1, java.util.Arrays.copyOfRange(out, 0, 32))).isEqualTo(BigInteger.ONE);
    assertThat(java.util.Arrays.copyOfRange(out, 32, 64)).isEqualTo(sBytes);
    // a P-384 signature whose r has leading zero bytes keeps r's place
    byte[] r = new byte[48];
    r[47] = 7;
    r[5] = 1;
    byte[] der384 = HEX.parseHex("3030" + "022b" + HEX.formatHex(java.util.Arrays.copyOfRange(r, 5, 48)) + "020109");
    byte[] out384 = EcdsaAlgorithm.concatenated(der384, 48);
    assertThat(java.util.Arrays.copyOfRange(out384, 0, 48)).isEqualTo(r);
    assertThat(out384[95]).isEqualTo((byte) 9);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"P-256, 32", "P-384, 48"})
  void sign_nativeManyMessages_portableVerifiesEach(String crv, int size) {
    EcdsaAlgorithm fast = crv.equals("P-256") ? EcdsaAlgorithm.P256 : EcdsaAlgorithm.P384;
    EcdsaAlgorithm portable = crv.equals("P-256") ? EcdsaAlgorithm.PORTABLE_P256 : EcdsaAlgorithm.PORTABLE_P384;
    SecretBytes material = fast.generate();
    SigningKey key = fast.load(material);
    SigningKey portableKey = portable.load(material);
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] msg = new byte[random.nextInt(300)];
      random.nextBytes(msg);
      byte[] sig = fast.sign(key, msg);
      assertThat(sig).hasSize(2 * size);
      assertThat(portable.verify(portableKey, msg, sig)).isTrue();
      assertThat(fast.verify(key, msg, portable.sign(portableKey, msg))).isTrue();
    }
  }

  @Test
  void fixed_shortOrSignedValues_exactLengthUnsigned() {
    assertThat(EcdsaAlgorithm.fixed(BigInteger.ONE, 4)).containsExactly(0, 0, 0, 1);
    // toByteArray of 0xff.. has a leading 0x00 sign byte, which must be dropped
    BigInteger high = new BigInteger("ff" + "00".repeat(31), 16);
    assertThat(high.toByteArray()).hasSize(33);
    byte[] fixed = EcdsaAlgorithm.fixed(high, 32);
    assertThat(fixed).hasSize(32);
    assertThat(new BigInteger(1, fixed)).isEqualTo(high);
    // a coordinate with leading zero bytes keeps its length
    BigInteger low = new BigInteger("00ab" + "11".repeat(46), 16);
    assertThat(EcdsaAlgorithm.fixed(low, 48)).hasSize(48).startsWith(0, 0xab - 256);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"P-256, 32", "P-384, 48"})
  void publicJwk_generatedKey_fixedLengthCoordinatesOfThePublicPoint(String crv, int size) {
    EcdsaAlgorithm alg = crv.equals("P-256") ? EcdsaAlgorithm.P256 : EcdsaAlgorithm.P384;
    for (SigningKey key : new SigningKey[] {SignTestKeys.first(alg), SignTestKeys.second(alg)}) {
      Map<String, Object> jwk = alg.publicJwk(key);
      byte[] x = Base64.getUrlDecoder().decode((String) jwk.get("x"));
      byte[] y = Base64.getUrlDecoder().decode((String) jwk.get("y"));
      assertThat(x).hasSize(size);
      assertThat(y).hasSize(size);
      ECPoint w = ((ECPublicKey) key.publicKey()).getW();
      assertThat(new BigInteger(1, x)).isEqualTo(w.getAffineX());
      assertThat(new BigInteger(1, y)).isEqualTo(w.getAffineY());
      assertThat(alg.sign(key, SAMPLE)).hasSize(2 * size);
    }
    assertThat(alg.jwsAlgorithm()).isEqualTo(size == 32 ? "ES256" : "ES384");
  }
}
