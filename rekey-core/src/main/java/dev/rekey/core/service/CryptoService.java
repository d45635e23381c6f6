package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Hmac;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.usage.Operation;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * Encrypt, decrypt, rewrap, data keys and MACs with the versions of a key. Encryption always uses
 * the primary; decryption takes the version from the ciphertext and is allowed for PRIMARY and
 * ACTIVE versions at or above the minimum decryption version; rewrap may also read RETIRED
 * versions. Tampered, truncated or foreign input, and a version that may not decrypt, are the one
 * generic decryption failure (ErrorCode.DECRYPTION_FAILED: "always generic").
 *
 * <p>Every operation that completes is counted against the version it used (see {@link Operation});
 * a MAC verification is counted when the check ran, whatever its result.
 */
public final class CryptoService {
  public static final int DATA_KEY_LENGTH = 32;

  private final KeyCache cache;

  public CryptoService(KeyCache cache) {
    this.cache = cache;
  }

  /** A ciphertext or MAC in text form, and the version that made it. */
  /**
   * A ciphertext, MAC or signature made under key version {@code version()}: {@link #text()} is its
   * {@code rekey:vN:} text; {@link #sealed()} the same as bytes, for answers written without
   * building the text first.
   */
  public record Produced(VersionedText sealed) {
    public String text() {
      return sealed.render();
    }

    public int version() {
      return sealed.version();
    }
  }

  /** A decrypted plaintext and the version that had encrypted it. The caller owns the bytes. */
  public record Decrypted(byte[] plaintext, int version) {
    @Override
    public String toString() {
      return "Decrypted[v" + version + ", redacted]";
    }
  }

  /** A data key: plaintext (null when only the wrapped form was asked for) and its ciphertext. */
  public record DataKey(byte[] plaintext, String ciphertext, int version) {
    @Override
    public String toString() {
      return "DataKey[v" + version + ", redacted]";
    }
  }

  public Produced encrypt(String namespace, String name, byte[] plaintext, byte[] context) {
    KeyCache.Entry e = entry(namespace, name, KeyPurpose.ENCRYPTION);
    Produced p = seal(e, plaintext, context);
    e.usage().record(p.version(), Operation.ENCRYPT);
    return p;
  }

  /**
   * As {@link #encrypt}, for a caller that names the version it expects (Vault's {@code key_version}):
   * refused with invalid_request unless {@code version} is the primary, the only version that encrypts.
   */
  public Produced encrypt(String namespace, String name, byte[] plaintext, byte[] context, int version) {
    KeyCache.Entry e = entryWithPrimary(entry(namespace, name, KeyPurpose.ENCRYPTION), namespace, name, version);
    Produced p = seal(e, plaintext, context);
    e.usage().record(p.version(), Operation.ENCRYPT);
    return p;
  }

  public Decrypted decrypt(String namespace, String name, String ciphertext, byte[] context) {
    VersionedText parsed = VersionedText.parse(ciphertext);
    KeyCache.Entry e = entryWithVersion(namespace, name, KeyPurpose.ENCRYPTION, parsed.version());
    KeyVersion v = e.key().version(parsed.version()).orElseThrow(RekeyException::decryptionFailed);
    if (!e.key().canDecryptWith(v.number())) {
      throw RekeyException.decryptionFailed();
    }
    byte[] plaintext = open(e, v, parsed, context);
    e.usage().record(v.number(), Operation.DECRYPT);
    return new Decrypted(plaintext, v.number());
  }

  /** Re-encrypts under the primary without returning the plaintext. RETIRED versions may be read. */
  public Produced rewrap(String namespace, String name, String ciphertext, byte[] context) {
    return rewrap(namespace, name, ciphertext, context, false, 0);
  }

  /** As {@link #rewrap}, refused with invalid_request unless {@code version} is the primary (see the pinned encrypt). */
  public Produced rewrap(String namespace, String name, String ciphertext, byte[] context, int version) {
    return rewrap(namespace, name, ciphertext, context, false, version);
  }

  /**
   * The emergency path of DESIGN.md section 3: re-encrypts data under the primary away from a
   * REVOKED (compromised) version, which nothing else may read. Also accepts what a normal rewrap
   * accepts. Disabled and destroyed versions stay unreadable.
   */
  public Produced emergencyRewrap(String namespace, String name, String ciphertext, byte[] context) {
    return rewrap(namespace, name, ciphertext, context, true, 0);
  }

  /** {@code primary} 0: whichever version is the primary; else only that one. */
  private Produced rewrap(String namespace, String name, String ciphertext, byte[] context, boolean revokedToo,
      int primary) {
    VersionedText parsed = VersionedText.parse(ciphertext);
    KeyCache.Entry e = entryWithVersion(namespace, name, KeyPurpose.ENCRYPTION, parsed.version());
    if (primary != 0) {
      e = entryWithPrimary(e, namespace, name, primary);
    }
    KeyVersion v = e.key().version(parsed.version()).orElseThrow(RekeyException::decryptionFailed);
    VersionState s = v.state();
    if (!(s.decrypts() || s == VersionState.RETIRED || (revokedToo && s == VersionState.REVOKED))) {
      throw RekeyException.decryptionFailed();
    }
    byte[] plaintext = open(e, v, parsed, context);
    try {
      Produced p = seal(e, plaintext, context);
      e.usage().record(v.number(), Operation.REWRAP);
      return p;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  public DataKey dataKey(String namespace, String name, byte[] context, boolean wrappedOnly) {
    KeyCache.Entry e = entry(namespace, name, KeyPurpose.ENCRYPTION);
    byte[] dek = Randomness.bytes(DATA_KEY_LENGTH);
    Produced wrapped = seal(e, dek, context);
    e.usage().record(wrapped.version(), Operation.DATAKEY);
    if (wrappedOnly) {
      Arrays.fill(dek, (byte) 0);
      return new DataKey(null, wrapped.text(), wrapped.version());
    }
    return new DataKey(dek, wrapped.text(), wrapped.version());
  }

  public Produced mac(String namespace, String name, byte[] message) {
    KeyCache.Entry e = entry(namespace, name, KeyPurpose.MAC);
    KeyVersion primary = e.key().primary();
    SecretKey k = cache.secret(e, primary, e.key().type().algorithm());
    byte[] tag = Hmac.compute(k, VersionedText.headerBytes(primary.number()), message);
    e.usage().record(primary.number(), Operation.MAC);
    return new Produced(new VersionedText(primary.number(), tag));
  }

  /** True when {@code mac} was made by a version that may still verify (PRIMARY, ACTIVE or RETIRED). */
  public boolean verifyMac(String namespace, String name, byte[] message, String mac) {
    entry(namespace, name, KeyPurpose.MAC);
    VersionedText parsed;
    try {
      parsed = VersionedText.parse(mac);
    } catch (RekeyException e) {
      return false;
    }
    KeyCache.Entry e = entryWithVersion(namespace, name, KeyPurpose.MAC, parsed.version());
    KeyVersion v = e.key().version(parsed.version()).orElse(null);
    if (v == null || !(v.state().decrypts() || v.state() == VersionState.RETIRED)) {
      return false;
    }
    SecretKey k = cache.secret(e, v, e.key().type().algorithm());
    boolean valid = Hmac.verify(k, parsed.bytes(), VersionedText.headerBytes(v.number()), message);
    e.usage().record(v.number(), Operation.MAC_VERIFY);
    return valid;
  }

  private Produced seal(KeyCache.Entry e, byte[] plaintext, byte[] context) {
    KeyVersion primary = e.key().primary();
    SecretKey k = cache.secret(e, primary, "AES");
    byte[] out = AesGcm.encrypt(k, plaintext, aad(primary.number(), context));
    return new Produced(new VersionedText(primary.number(), out));
  }

  private byte[] open(KeyCache.Entry e, KeyVersion v, VersionedText parsed, byte[] context) {
    SecretKey k = cache.secret(e, v, "AES");
    return AesGcm.decrypt(k, parsed.bytes(), aad(v.number(), context));
  }

  /** Associated data: the authenticated header {@code rekey:vN:} followed by the caller's context. */
  static byte[] aad(int version, byte[] context) {
    byte[] header = VersionedText.headerBytes(version);
    if (context == null || context.length == 0) {
      return header;
    }
    byte[] aad = Arrays.copyOf(header, header.length + context.length);
    System.arraycopy(context, 0, aad, header.length, context.length);
    return aad;
  }

  private KeyCache.Entry entry(String namespace, String name, KeyPurpose purpose) {
    KeyCache.Entry e = cache.get(namespace, name);
    requirePurpose(e.key(), purpose);
    return e;
  }

  /**
   * The key, reloaded once when the ciphertext names a version this node has not seen yet, or has
   * seen only as PENDING: a PENDING version encrypts nothing, so a ciphertext under it means another
   * node has promoted it since this node loaded the key (two-step rotation).
   */
  private KeyCache.Entry entryWithVersion(String namespace, String name, KeyPurpose purpose, int version) {
    KeyCache.Entry e = entry(namespace, name, purpose);
    KeyVersion v = e.key().version(version).orElse(null);
    if (v == null ? version > e.key().latestVersion() : v.state() == VersionState.PENDING) {
      e = cache.refresh(namespace, name);
    }
    return e;
  }

  /**
   * {@code e}, reloaded once when the caller names a version newer than this node's primary (another
   * node has rotated since this one loaded the key, and the client read the new version there),
   * then refused unless {@code version} is the primary.
   */
  private KeyCache.Entry entryWithPrimary(KeyCache.Entry e, String namespace, String name, int version) {
    if (version > e.key().primary().number()) {
      e = cache.refresh(namespace, name);
    }
    requirePrimary(e.key(), version);
    return e;
  }

  private static void requirePrimary(Key key, int version) {
    int primary = key.primary().number();
    if (version != primary) {
      throw RekeyException.invalid("key '" + key.name() + "' encrypts only with its primary version " + primary
          + ", not version " + version);
    }
  }

  private static void requirePurpose(Key key, KeyPurpose purpose) {
    if (key.type().purpose() != purpose) {
      throw RekeyException.unsupported("key '" + key.name() + "' is of type " + key.type().wireName()
          + " and cannot be used for " + purpose.name().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
