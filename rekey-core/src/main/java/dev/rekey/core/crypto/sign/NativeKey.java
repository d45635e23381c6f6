package dev.rekey.core.crypto.sign;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A signing key's private half in the native provider ({@code NativeCrypto}), loaded on the first
 * signature (so versions that only verify are never copied into it), and a pool of
 * {@link Signature} objects initialised with it per signature algorithm. A {@code Signature} is not
 * thread-safe: each call takes one from the pool and returns it after signing, which leaves it
 * ready for the same key (JCA resets a signer to its initialised state after {@code sign}). Key and
 * pool belong to this object, so they are dropped with the {@link SigningKey} (cache eviction,
 * sealing) rather than kept by long-lived threads; the provider frees its native copy when the
 * garbage collector reclaims them.
 */
final class NativeKey {
  private final Provider provider;
  private final String keyAlgorithm;
  private final Supplier<byte[]> pkcs8;
  private final Map<String, Queue<Signature>> pools = new ConcurrentHashMap<>();
  private volatile PrivateKey key;

  /**
   * @param keyAlgorithm the provider's key factory name ({@code EdDSA}, {@code EC})
   * @param pkcs8 a fresh copy of the private key as PKCS#8 DER on each call; this class zeroes it
   *     after use (the JCA key spec and the provider keep copies of their own, which cannot be zeroed)
   */
  NativeKey(Provider provider, String keyAlgorithm, Supplier<byte[]> pkcs8) {
    this.provider = provider;
    this.keyAlgorithm = keyAlgorithm;
    this.pkcs8 = pkcs8;
  }

  /** Signs {@code data} with the provider's {@code algorithm} ({@code Ed25519}, {@code SHA256withECDSA}, ...). */
  byte[] sign(String algorithm, byte[] data) {
    Queue<Signature> pool = pools.computeIfAbsent(algorithm, a -> new ConcurrentLinkedQueue<>());
    try {
      Signature s = pool.poll();
      if (s == null) {
        s = Signature.getInstance(algorithm, provider);
        s.initSign(key());
      }
      s.update(data);
      byte[] signature = s.sign();
      pool.offer(s); // only after success: a signer that threw is dropped
      return signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("native " + algorithm + " signing failed", e);
    }
  }

  /** Whether the private key has been loaded into the provider (a signature was made). */
  boolean loaded() {
    return key != null;
  }

  /** The provider's class of the loaded key, for tests; null before the first signature. */
  String loadedKeyClass() {
    PrivateKey k = key;
    return k == null ? null : k.getClass().getName();
  }

  private PrivateKey key() throws GeneralSecurityException {
    PrivateKey k = key;
    if (k == null) {
      synchronized (this) {
        k = key;
        if (k == null) {
          byte[] der = pkcs8.get();
          try {
            k = KeyFactory.getInstance(keyAlgorithm, provider).generatePrivate(new PKCS8EncodedKeySpec(der));
          } finally {
            Arrays.fill(der, (byte) 0);
          }
          key = k;
        }
      }
    }
    return k;
  }

  @Override
  public String toString() {
    return "NativeKey[redacted]";
  }
}
