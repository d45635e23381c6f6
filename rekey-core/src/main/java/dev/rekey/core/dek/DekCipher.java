package dev.rekey.core.dek;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.service.KeyCache;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;

/**
 * Wraps and unwraps data keys with a KEK's versions, held unwrapped by the {@link KeyCache}.
 * AES-256-GCM with associated data {@code rekey-dek|<namespace>|<kek>|<tenant>|<dek version>|<kek version>}:
 * a wrapped value copied onto another tenant, DEK version or KEK version fails to unwrap, and the
 * KEK version column cannot be altered without detection. Every failure is the generic decryption
 * failure.
 */
public final class DekCipher {
  private final KeyCache cache;

  public DekCipher(KeyCache cache) {
    this.cache = cache;
  }

  /** The KEK, which must be an {@code aes256-gcm} key. */
  public KeyCache.Entry kek(String namespace, String kek) {
    KeyCache.Entry e = cache.get(namespace, kek);
    if (e.key().type() != KeyType.AES256_GCM) {
      throw RekeyException.unsupported("key '" + kek + "' is of type " + e.key().type().wireName()
          + "; data keys need an aes256-gcm key");
    }
    return e;
  }

  /** The KEK reloaded, when a stored row names a version this node has not seen yet. */
  public KeyCache.Entry kekWithVersion(String namespace, String kek, int version) {
    KeyCache.Entry e = kek(namespace, kek);
    // a version this node does not know yet, or knows as PENDING (another node promoted it since;
    // a row under it is proof), is read again from the store, as CryptoService does
    KeyVersion v = e.key().version(version).orElse(null);
    if (v == null ? version > e.key().latestVersion() : v.state() == VersionState.PENDING) {
      e = cache.refresh(namespace, kek);
    }
    return e;
  }

  /** Wraps {@code plaintext} as version {@code dekVersion} of the tenant's DEK with KEK version {@code kekVersion}. */
  public byte[] wrap(KeyCache.Entry kek, KeyVersion kekVersion, String tenant, int dekVersion, byte[] plaintext) {
    SecretKey k = cache.secret(kek, kekVersion, "AES");
    return AesGcm.encrypt(k, plaintext, aad(kek.key(), tenant, dekVersion, kekVersion.number()));
  }

  /** Unwraps a stored row with the KEK version it names. The caller checks the version may be used. */
  public byte[] unwrap(KeyCache.Entry kek, StoredDek dek) {
    KeyVersion v = kek.key().version(dek.kekVersion()).orElseThrow(RekeyException::decryptionFailed);
    if (v.material() == null) {
      throw RekeyException.decryptionFailed();
    }
    SecretKey k = cache.secret(kek, v, "AES");
    return AesGcm.decrypt(k, dek.wrapped(), aad(kek.key(), dek.tenant(), dek.version(), dek.kekVersion()));
  }

  static byte[] aad(Key kek, String tenant, int dekVersion, int kekVersion) {
    return ("rekey-dek|" + kek.namespace() + "|" + kek.name() + "|" + tenant + "|" + dekVersion + "|" + kekVersion)
        .getBytes(StandardCharsets.UTF_8);
  }
}
