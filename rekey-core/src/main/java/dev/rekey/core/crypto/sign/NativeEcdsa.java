package dev.rekey.core.crypto.sign;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * ECDSA signing through the native provider ({@code NativeCrypto}: AWS-LC). Its nonces are
 * random with the private key and the digest mixed into the generator (hedged), so a weak random
 * source alone does not expose the key; they are not RFC 6979's, so signatures differ from the
 * portable code's. The provider answers in DER; this turns it into JWS's fixed-length
 * {@code r || s}. Each thread keeps its own {@link Signature} objects, which are not thread-safe.
 */
final class NativeEcdsa {
  private final KeyFactory keys;
  private final int size;
  private final ThreadLocal<Signature> messageSigners;
  private final ThreadLocal<Signature> digestSigners;

  NativeEcdsa(Provider provider, String hash, int size) {
    this.size = size;
    try {
      this.keys = KeyFactory.getInstance("EC", provider);
      Signature.getInstance(hash + "withECDSA", provider); // fail now, not on the first request
      Signature.getInstance("NONEwithECDSA", provider);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the native provider has no ECDSA", e);
    }
    this.messageSigners = perThread(provider, hash + "withECDSA");
    this.digestSigners = perThread(provider, "NONEwithECDSA");
  }

  private static ThreadLocal<Signature> perThread(Provider provider, String algorithm) {
    return ThreadLocal.withInitial(() -> {
      try {
        return Signature.getInstance(algorithm, provider);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the native provider has no " + algorithm, e);
      }
    });
  }

  /** The JDK's private key loaded into the native provider. */
  PrivateKey load(PrivateKey jdkKey) {
    byte[] der = jdkKey.getEncoded();
    try {
      return keys.generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the native provider refused an EC key", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  byte[] sign(PrivateKey key, byte[] message) {
    return run(messageSigners.get(), key, message);
  }

  byte[] signDigest(PrivateKey key, byte[] digest) {
    return run(digestSigners.get(), key, digest);
  }

  private byte[] run(Signature s, PrivateKey key, byte[] data) {
    try {
      s.initSign(key);
      s.update(data);
      return concatenated(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("native ECDSA signing failed", e);
    }
  }

  /** DER {@code SEQUENCE { r INTEGER, s INTEGER }} as {@code r || s}, each exactly {@code size} bytes. */
  private byte[] concatenated(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
    BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
    byte[] out = new byte[2 * size];
    System.arraycopy(EcdsaAlgorithm.fixed(r, size), 0, out, 0, size);
    System.arraycopy(EcdsaAlgorithm.fixed(s, size), 0, out, size, size);
    return out;
  }
}
