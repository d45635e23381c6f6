package dev.rekey.server.api;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The response bodies of the Vault transit subset, in Vault's field names (snake_case as Rekey writes them). */
final class VaultViews {
  private VaultViews() {}

  /** Vault's response envelope: no lease; {@code warnings} null (omitted) when there are none. */
  record Response(String leaseId, boolean renewable, long leaseDuration, Object data, List<String> warnings) {}

  static Response data(Object data) {
    return new Response("", false, 0, data, null);
  }

  static Response withWarning(Object data, String warning) {
    return new Response("", false, 0, data, List.of(warning));
  }

  record Ciphertext(String ciphertext, int keyVersion) {}

  record Plaintext(String plaintext) {}

  record DataKey(String plaintext, String ciphertext, int keyVersion) {}

  /** A batch item's result; {@code reference} is echoed as Vault does (empty when none was given). */
  record CiphertextItem(String ciphertext, Integer keyVersion, String reference, String error) {}

  record PlaintextItem(String plaintext, String reference, String error) {}

  record Batch(List<?> batchResults) {}

  /**
   * Vault's key information, as far as it maps. {@code latest_version} is the primary: the version
   * encrypt and rewrap use (a PENDING version of a two-step rotation is not yet usable, and not
   * listed); {@code keys} maps each listed version to its creation time in Unix seconds.
   */
  record KeyInfo(String name, String type, boolean deletionAllowed, boolean derived, boolean exportable,
      boolean allowPlaintextBackup, Map<String, Long> keys, int latestVersion, int minAvailableVersion,
      int minDecryptionVersion, int minEncryptionVersion, boolean supportsEncryption, boolean supportsDecryption,
      boolean supportsDerivation, boolean supportsSigning, long autoRotatePeriod, boolean importedKey) {}

  /** The Vault type name of a Rekey type this subset serves; other types are refused (400). */
  static String vaultType(KeyType type) {
    if (type == KeyType.AES256_GCM) {
      return "aes256-gcm96";
    }
    throw RekeyException.unsupported("key type " + type.wireName()
        + " is not served by the Vault transit endpoints; use the native API (/v1/keys)");
  }

  static KeyInfo key(Key k) {
    Map<String, Long> versions = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    int minAvailable = 0;
    for (KeyVersion v : k.versions()) {
      if (v.state() == VersionState.PENDING || v.state() == VersionState.DESTROYED) {
        continue;
      }
      versions.put(Integer.toString(v.number()), v.createdAt().getEpochSecond());
      minAvailable = minAvailable == 0 ? v.number() : minAvailable;
    }
    // Vault's min_available_version is 0 until versions are trimmed; Rekey's analogue is destruction
    return new KeyInfo(k.name(), vaultType(k.type()), false, false, k.exportable(), false, versions,
        k.primary().number(), minAvailable <= 1 ? 0 : minAvailable, k.minDecryptionVersion(), k.minEncryptionVersion(), true, true, false,
        false, 0, false);
  }
}
