package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one way key material leaves Rekey: an explicit export, off by default, that needs three
 * gates at once: the server's export policy ({@code key_export.enabled}), a key created or
 * configured as exportable, and a caller granted {@code key.export} (checked by the HTTP layer,
 * which also audits the call without the material). Signing keys export their private key as
 * PKCS#8 PEM; symmetric keys their raw bytes in base64. Reads the key from the store, not a cache,
 * so the exportable flag and the version state are current.
 */
public final class KeyExportService {
  /** States whose material may be exported: compromised, disabled and doomed versions may not. */
  private static final Set<VersionState> EXPORTABLE_STATES =
      EnumSet.of(VersionState.PENDING, VersionState.PRIMARY, VersionState.ACTIVE, VersionState.RETIRED);

  private final KeyRepository keys;
  private final Supplier<RootKeyring> keyring;
  private final boolean enabled;

  public KeyExportService(KeyRepository keys, Supplier<RootKeyring> keyring, boolean enabled) {
    this.keys = keys;
    this.keyring = keyring;
    this.enabled = enabled;
  }

  /** Exported material. The value is secret: it never appears in {@link #toString}. */
  public record Exported(int version, String type, String format, String value) {
    public static final String PKCS8_PEM = "pkcs8-pem";
    public static final String RAW_BASE64 = "raw-base64";

    @Override
    public String toString() {
      return "Exported[v" + version + ", " + type + ", " + format + ", redacted]";
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** The material of {@code version} (the primary when null). */
  public Exported export(String namespace, String name, Integer version) {
    if (!enabled) {
      throw RekeyException.forbidden("key export is disabled on this server; an operator can allow it with"
          + " key_export.enabled: true in the server configuration");
    }
    Key key = keys.find(namespace, name).orElseThrow(() -> KeyService.notFound(namespace, name));
    if (!key.exportable()) {
      throw RekeyException.forbidden("key '" + name + "' is not exportable; only keys created or configured"
          + " with exportable=true can be exported (a one-way setting)");
    }
    KeyVersion v = version == null ? key.primary() : key.requireVersion(version);
    if (!EXPORTABLE_STATES.contains(v.state())) {
      throw RekeyException.illegalState("version " + v.number() + " of key '" + name + "' is "
          + v.state().wireName() + " and cannot be exported");
    }
    SecretBytes material = keyring.get().unwrap(v.material(),
        MaterialBinding.keyVersion(namespace, name, v.number()));
    try {
      if (key.type().purpose() == KeyPurpose.SIGNING) {
        byte[] der = SignatureAlgorithm.of(key.type()).privateKeyPkcs8(material);
        try {
          return new Exported(v.number(), key.type().wireName(), Exported.PKCS8_PEM, pem(der));
        } finally {
          Arrays.fill(der, (byte) 0);
        }
      }
      byte[] raw = material.reveal(SecretAccess.get());
      return new Exported(v.number(), key.type().wireName(), Exported.RAW_BASE64,
          Base64.getEncoder().encodeToString(raw));
    } finally {
      material.destroy();
    }
  }

  private static String pem(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }
}
