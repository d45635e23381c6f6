package dev.rekey.core.crypto.sign;

import java.util.Arrays;

/**
 * A loaded signing key: the private half in the form its algorithm needs, the public half, and the
 * public key as X.509 SubjectPublicKeyInfo DER. Never printed, never compared.
 */
public final class SigningKey {
  private final Object privateKey;
  private final Object publicKey;
  private final byte[] publicDer;
  private final NativeKey nativeKey;

  SigningKey(Object privateKey, Object publicKey, byte[] publicDer) {
    this(privateKey, publicKey, publicDer, null);
  }

  SigningKey(Object privateKey, Object publicKey, byte[] publicDer, NativeKey nativeKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicDer = publicDer;
    this.nativeKey = nativeKey;
  }

  /** The private half for the native provider, or null (see {@code NativeCrypto}). */
  NativeKey nativeKey() {
    return nativeKey;
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
