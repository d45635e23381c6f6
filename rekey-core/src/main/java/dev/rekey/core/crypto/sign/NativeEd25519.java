package dev.rekey.core.crypto.sign;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 signing through the native provider ({@code NativeCrypto}). The key is loaded into the
 * provider once per {@link SigningKey}; each thread keeps its own {@link Signature}, which is not
 * thread-safe.
 */
final class NativeEd25519 {
  /** DER prefix of a PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410), followed by the 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

  private final KeyFactory keys;
  private final ThreadLocal<Signature> signers;

  NativeEd25519(Provider provider) {
    try {
      this.keys = KeyFactory.getInstance("EdDSA", provider);
      Signature.getInstance("Ed25519", provider); // fail now, not on the first request
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the native provider has no Ed25519", e);
    }
    this.signers = ThreadLocal.withInitial(() -> {
      try {
        return Signature.getInstance("Ed25519", provider);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the native provider has no Ed25519", e);
      }
    });
  }

  PrivateKey load(byte[] seed) {
    byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
    System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
    try {
      return keys.generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the native provider refused an Ed25519 key", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  byte[] sign(PrivateKey key, byte[] message) {
    Signature s = signers.get();
    try {
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("native Ed25519 signing failed", e);
    }
  }
}
