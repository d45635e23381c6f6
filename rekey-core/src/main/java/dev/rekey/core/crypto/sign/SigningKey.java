package dev.rekey.core.crypto.sign;

import java.security.PrivateKey;
import java.util.Arrays;

/**
 * A loaded signing key: the private half in the form its algorithm needs, the public half, and the
 * public key as X.509 SubjectPublicKeyInfo DER. Never printed, never compared.
 */
public final class SigningKey {
  private final Object privateKey;
  private final Object publicKey;
  private final byte[] publicDer;
  private final PrivateKey nativePrivateKey;

  SigningKey(Object privateKey, Object publicKey, byte[] publicDer) {
    this(privateKey, publicKey, publicDer, null);
  }

  SigningKey(Object privateKey, Object publicKey, byte[] publicDer, PrivateKey nativePrivateKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicDer = publicDer;
    this.nativePrivateKey = nativePrivateKey;
  }

  /** The private key loaded into the native provider, or null (see {@code NativeCrypto}). */
  PrivateKey nativePrivateKey() {
    return nativePrivateKey;
  }

  Object privateKey() {
    return privateKey;
  }

  Object publicKey() {
    return publicKey;
  }

  /** The public key as X.509 SubjectPublicKeyInfo DER (what a PEM "PUBLIC KEY" holds). */
  public byte[] publicDer() {
    return Arrays.copyOf(publicDer, publicDer.length);
  }

  @Override
  public String toString() {
    return "SigningKey[redacted]";
  }
}
