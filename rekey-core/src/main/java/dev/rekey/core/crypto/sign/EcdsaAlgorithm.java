package dev.rekey.core.crypto.sign;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.core.crypto.SecretBytes;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA on P-256 with SHA-256 and on P-384 with SHA-384, with signatures in the fixed-length
 * {@code r || s} form that JWS uses. Keys are generated and signatures verified by the JDK (SunEC).
 * Signing uses the native provider when it is in use ({@link NativeCrypto}: AWS-LC, several times
 * faster; its nonces are random with the private key and the digest mixed into the generator
 * (hedged), so a weak random source alone does not expose the key), otherwise BouncyCastle's curve-specific
 * arithmetic with a precomputed table for the base point, about twice the JDK's speed on P-256
 * (BENCHMARKS.md section 4), with deterministic nonces (RFC 6979). Either way a signature never
 * depends on the quality of a random number alone.
 */
final class EcdsaAlgorithm implements SignatureAlgorithm {
  /** BouncyCastle signing only. */
  static final EcdsaAlgorithm PORTABLE_P256 = new EcdsaAlgorithm("secp256r1", "P-256", "SHA256", 32, "ES256", null);
  static final EcdsaAlgorithm PORTABLE_P384 = new EcdsaAlgorithm("secp384r1", "P-384", "SHA384", 48, "ES384", null);
  /** Native signing when it is available, else the same as the portable ones. */
  static final EcdsaAlgorithm P256 = NativeCrypto.provider()
      .map(p -> new EcdsaAlgorithm("secp256r1", "P-256", "SHA256", 32, "ES256", p)).orElse(PORTABLE_P256);
  static final EcdsaAlgorithm P384 = NativeCrypto.provider()
      .map(p -> new EcdsaAlgorithm("secp384r1", "P-384", "SHA384", 48, "ES384", p)).orElse(PORTABLE_P384);

  private final String curve;
  private final String jwkCurve;
  private final String hash;
  private final int size;
  private final String jws;
  private final ECDomainParameters domain;
  private final Provider nativeProvider;

  private EcdsaAlgorithm(String curve, String jwkCurve, String hash, int size, String jws, Provider nativeProvider) {
    this.nativeProvider = nativeProvider;
    this.curve = curve;
    this.jwkCurve = jwkCurve;
    this.hash = hash;
    this.size = size;
    this.jws = jws;
    X9ECParameters x9 = CustomNamedCurves.getByName(curve);
    this.domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
  }

  @Override
  public SecretBytes generate() {
    return KeyPairMaterial.generate("EC", new ECGenParameterSpec(curve));
  }

  /** Whether keys this instance loads sign in the native provider. */
  boolean isNative() {
    return nativeProvider != null;
  }

  @Override
  public SigningKey load(SecretBytes material) {
    KeyPairMaterial.Decoded d = KeyPairMaterial.decode(material, "EC");
    PrivateKey priv = d.privateKey();
    return new SigningKey(priv, d.publicKey(), d.publicDer(),
        nativeProvider == null ? null : new NativeKey(nativeProvider, "EC", priv::getEncoded));
  }

  @Override
  public byte[] privateKeyPkcs8(SecretBytes material) {
    return KeyPairMaterial.decode(material, "EC").privateKey().getEncoded();
  }

  @Override
  public byte[] sign(SigningKey key, byte[] message) {
    if (key.nativeKey() != null) {
      return concatenated(key.nativeKey().sign(hash + "withECDSA", message), size);
    }
    Digest d = digest();
    d.update(message, 0, message.length);
    byte[] h = new byte[d.getDigestSize()];
    d.doFinal(h, 0);
    return signHash(key, h);
  }

  @Override
  public byte[] signDigest(SigningKey key, byte[] digest) {
    requireDigestLength(digest);
    if (key.nativeKey() != null) {
      return concatenated(key.nativeKey().sign("NONEwithECDSA", digest), size);
    }
    return signHash(key, digest);
  }

  /** r || s over {@code h}, with k from RFC 6979 (HMAC of the curve's hash). */
  private byte[] signHash(SigningKey key, byte[] h) {
    BigInteger d = ((ECPrivateKey) key.privateKey()).getS();
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(digest()));
    signer.init(true, new ECPrivateKeyParameters(d, domain));
    BigInteger[] rs = signer.generateSignature(h);
    byte[] out = new byte[2 * size];
    System.arraycopy(fixed(rs[0], size), 0, out, 0, size);
    System.arraycopy(fixed(rs[1], size), 0, out, size, size);
    return out;
  }

  private Digest digest() {
    return size == 32 ? new SHA256Digest() : new SHA384Digest();
  }

  @Override
  public boolean verify(SigningKey key, byte[] message, byte[] signature) {
    return signature.length == 2 * size && run(hash + "withECDSAinP1363Format", key, message, signature) != null;
  }

  @Override
  public boolean verifyDigest(SigningKey key, byte[] digest, byte[] signature) {
    requireDigestLength(digest);
    return signature.length == 2 * size && run("NONEwithECDSAinP1363Format", key, digest, signature) != null;
  }

  /** Verifies with the JDK; a failed verification returns null. */
  private byte[] run(String algorithm, SigningKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify((PublicKey) key.publicKey());
      s.update(data);
      return s.verify(signature) ? signature : null;
    } catch (SignatureException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " failed", e);
    }
  }

  private void requireDigestLength(byte[] digest) {
    if (digest.length != size) {
      throw RekeyException.invalid("a " + jwkCurve + " key takes a " + hash.replace("SHA", "SHA-") + " digest of "
          + size + " bytes, not " + digest.length);
    }
  }

  @Override
  public Map<String, Object> publicJwk(SigningKey key) {
    ECPublicKey pub = (ECPublicKey) key.publicKey();
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "EC");
    jwk.put("crv", jwkCurve);
    jwk.put("x", SignatureAlgorithm.base64Url(fixed(pub.getW().getAffineX(), size)));
    jwk.put("y", SignatureAlgorithm.base64Url(fixed(pub.getW().getAffineY(), size)));
    return jwk;
  }

  @Override
  public String jwsAlgorithm() {
    return jws;
  }

  /** A DER {@code SEQUENCE { r INTEGER, s INTEGER }} (the JCA's form) as {@code r || s}, each {@code size} bytes. */
  static byte[] concatenated(byte[] der, int size) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    if (seq.size() != 2) {
      throw new IllegalStateException("an ECDSA signature is two integers, not " + seq.size());
    }
    byte[] out = new byte[2 * size];
    System.arraycopy(fixed(ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(), size), 0, out, 0, size);
    System.arraycopy(fixed(ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue(), size), 0, out, size, size);
    return out;
  }

  /** An unsigned big-endian integer in exactly {@code length} bytes. */
  static byte[] fixed(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }
}
