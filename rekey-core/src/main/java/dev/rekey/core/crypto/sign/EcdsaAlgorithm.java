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
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ECDSA on P-256 with SHA-256 and on P-384 with SHA-384, from the JDK (SunEC), with signatures in
 * the fixed-length {@code r || s} form that JWS uses.
 */
final class EcdsaAlgorithm implements SignatureAlgorithm {
  static final EcdsaAlgorithm P256 = new EcdsaAlgorithm("secp256r1", "P-256", "SHA256", 32, "ES256");
  static final EcdsaAlgorithm P384 = new EcdsaAlgorithm("secp384r1", "P-384", "SHA384", 48, "ES384");

  private final String curve;
  private final String jwkCurve;
  private final String hash;
  private final int size;
  private final String jws;

  private EcdsaAlgorithm(String curve, String jwkCurve, String hash, int size, String jws) {
    this.curve = curve;
    this.jwkCurve = jwkCurve;
    this.hash = hash;
    this.size = size;
    this.jws = jws;
  }

  @Override
  public SecretBytes generate() {
    return KeyPairMaterial.generate("EC", new ECGenParameterSpec(curve));
  }

  @Override
  public SigningKey load(SecretBytes material) {
    return KeyPairMaterial.load(material, "EC");
  }

  @Override
  public byte[] privateKeyPkcs8(SecretBytes material) {
    return KeyPairMaterial.decode(material, "EC").privateKey().getEncoded();
  }

  @Override
  public byte[] sign(SigningKey key, byte[] message) {
    return run(hash + "withECDSAinP1363Format", key, message, null);
  }

  @Override
  public byte[] signDigest(SigningKey key, byte[] digest) {
    requireDigestLength(digest);
    return run("NONEwithECDSAinP1363Format", key, digest, null);
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

  /** Signs (signature == null) or verifies; a failed verification returns null. */
  private byte[] run(String algorithm, SigningKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm);
      if (signature == null) {
        s.initSign((PrivateKey) key.privateKey(), Randomness.get());
        s.update(data);
        return s.sign();
      }
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

  /** An unsigned big-endian integer in exactly {@code length} bytes. */
  static byte[] fixed(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }
}
