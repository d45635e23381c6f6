package dev.rekey.core.crypto.sign;

import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Storage form of a JCA key pair: {@code "RKP1"}, the X.509 public key and the PKCS#8 private key,
 * each length-prefixed. The whole blob is wrapped by the root keyring like any key material.
 */
final class KeyPairMaterial {
  private static final int MAGIC = 0x524b5031; // "RKP1"

  private KeyPairMaterial() {}

  /** A fresh key pair of {@code algorithm} ({@code EC}, {@code RSA}) in storage form. */
  static SecretBytes generate(String algorithm, java.security.spec.AlgorithmParameterSpec spec) {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(algorithm);
      g.initialize(spec, dev.rekey.core.crypto.Randomness.get());
      return encode(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " key generation failed", e);
    }
  }

  /** Stored material of {@code algorithm} as a signing key. */
  static SigningKey load(SecretBytes material, String algorithm) {
    Decoded d = decode(material, algorithm);
    return new SigningKey(d.privateKey(), d.publicKey(), d.publicDer());
  }

  static SecretBytes encode(KeyPair pair) {
    byte[] priv = pair.getPrivate().getEncoded();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      byte[] pub = pair.getPublic().getEncoded();
      out.writeInt(MAGIC);
      out.writeInt(pub.length);
      out.write(pub);
      out.writeInt(priv.length);
      out.write(priv);
      return SecretBytes.wrap(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      Arrays.fill(priv, (byte) 0);
    }
  }

  /** The public and private key, and the public key's DER. */
  record Decoded(PublicKey publicKey, PrivateKey privateKey, byte[] publicDer) {
    @Override
    public String toString() {
      return "KeyPairMaterial.Decoded[redacted]";
    }
  }

  static Decoded decode(SecretBytes material, String keyAlgorithm) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(material.reveal(SecretAccess.get())));
      if (in.readInt() != MAGIC) {
        throw new IllegalStateException("not a key pair");
      }
      byte[] pub = in.readNBytes(in.readInt());
      byte[] priv = in.readNBytes(in.readInt());
      KeyFactory kf = KeyFactory.getInstance(keyAlgorithm);
      try {
        return new Decoded(kf.generatePublic(new X509EncodedKeySpec(pub)),
            kf.generatePrivate(new PKCS8EncodedKeySpec(priv)), pub);
      } finally {
        Arrays.fill(priv, (byte) 0);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("stored key pair cannot be read", e);
    }
  }
}
