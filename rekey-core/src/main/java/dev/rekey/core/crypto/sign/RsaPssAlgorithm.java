package dev.rekey.core.crypto.sign;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretBytes;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * RSASSA-PSS (RFC 8017) as JWS uses it: 2048-bit keys with SHA-256 (PS256), 3072 with SHA-384
 * (PS384), 4096 with SHA-512 (PS512); MGF1 with the same hash and a salt as long as the hash.
 * Messages are signed by the JDK; pre-hashed digests by BouncyCastle's raw PSS signer, which takes
 * the digest itself as input and produces the same signatures.
 */
final class RsaPssAlgorithm implements SignatureAlgorithm {
  static final RsaPssAlgorithm RSA_2048 = new RsaPssAlgorithm(2048, "SHA-256", MGF1ParameterSpec.SHA256, 32, "PS256");
  static final RsaPssAlgorithm RSA_3072 = new RsaPssAlgorithm(3072, "SHA-384", MGF1ParameterSpec.SHA384, 48, "PS384");
  static final RsaPssAlgorithm RSA_4096 = new RsaPssAlgorithm(4096, "SHA-512", MGF1ParameterSpec.SHA512, 64, "PS512");

  private final int bits;
  private final String hash;
  private final PSSParameterSpec pss;
  private final int hashLength;
  private final String jws;

  private RsaPssAlgorithm(int bits, String hash, MGF1ParameterSpec mgf, int hashLength, String jws) {
    this.bits = bits;
    this.hash = hash;
    this.pss = new PSSParameterSpec(hash, "MGF1", mgf, hashLength, PSSParameterSpec.TRAILER_FIELD_BC);
    this.hashLength = hashLength;
    this.jws = jws;
  }

  @Override
  public SecretBytes generate() {
    return KeyPairMaterial.generate("RSA", new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
  }

  @Override
  public SigningKey load(SecretBytes material) {
    return KeyPairMaterial.load(material, "RSA");
  }

  @Override
  public byte[] privateKeyPkcs8(SecretBytes material) {
    return KeyPairMaterial.decode(material, "RSA").privateKey().getEncoded();
  }

  @Override
  public byte[] sign(SigningKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(pss);
      s.initSign((PrivateKey) key.privateKey(), Randomness.get());
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSASSA-PSS signing failed", e);
    }
  }

  @Override
  public boolean verify(SigningKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(pss);
      s.initVerify((PublicKey) key.publicKey());
      s.update(message);
      return s.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSASSA-PSS verification failed", e);
    }
  }

  @Override
  public byte[] signDigest(SigningKey key, byte[] digest) {
    requireDigestLength(digest);
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) key.privateKey();
    PSSSigner signer = rawSigner();
    signer.init(true, new ParametersWithRandom(new RSAPrivateCrtKeyParameters(k.getModulus(), k.getPublicExponent(),
        k.getPrivateExponent(), k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(),
        k.getCrtCoefficient()), Randomness.get()));
    signer.update(digest, 0, digest.length);
    try {
      return signer.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException("RSASSA-PSS signing failed", e);
    }
  }

  @Override
  public boolean verifyDigest(SigningKey key, byte[] digest, byte[] signature) {
    requireDigestLength(digest);
    RSAPublicKey k = (RSAPublicKey) key.publicKey();
    PSSSigner signer = rawSigner();
    signer.init(false, new RSAKeyParameters(false, k.getModulus(), k.getPublicExponent()));
    signer.update(digest, 0, digest.length);
    return signer.verifySignature(signature);
  }

  private PSSSigner rawSigner() {
    return PSSSigner.createRawSigner(new RSABlindedEngine(), newDigest(), newDigest(), hashLength,
        PSSSigner.TRAILER_IMPLICIT);
  }

  private Digest newDigest() {
    return switch (hashLength) {
      case 32 -> new SHA256Digest();
      case 48 -> new SHA384Digest();
      default -> new SHA512Digest();
    };
  }

  private void requireDigestLength(byte[] digest) {
    if (digest.length != hashLength) {
      throw RekeyException.invalid("an RSA-PSS-" + bits + " key takes a " + hash + " digest of " + hashLength
          + " bytes, not " + digest.length);
    }
  }

  @Override
  public Map<String, Object> publicJwk(SigningKey key) {
    RSAPublicKey pub = (RSAPublicKey) key.publicKey();
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "RSA");
    jwk.put("n", SignatureAlgorithm.base64Url(unsigned(pub.getModulus())));
    jwk.put("e", SignatureAlgorithm.base64Url(unsigned(pub.getPublicExponent())));
    return jwk;
  }

  @Override
  public String jwsAlgorithm() {
    return jws;
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] raw = v.toByteArray();
    return raw.length > 1 && raw[0] == 0 ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw;
  }
}
