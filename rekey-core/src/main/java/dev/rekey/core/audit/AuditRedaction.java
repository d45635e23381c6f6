package dev.rekey.core.audit;

import dev.rekey.core.crypto.Hex;
import dev.rekey.core.crypto.Hmac;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.root.SystemSecrets;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;

/**
 * Turns sensitive values (an encryption context, a resource identifier) into
 * {@code hmac-sha256:<64 hex digits>} for audit records: equal values give equal outputs, so an
 * assessor can correlate records, but nobody without the key can test guesses.
 *
 * <p>The 32-byte HMAC key is generated on first use and stored in the {@link SystemRepository}
 * under {@value #KEY_NAME} only wrapped by the root keyring (through {@link SystemSecrets}).
 * Thread-safe; {@link #toString()}
 * never shows the key.
 */
public final class AuditRedaction {
  public static final String KEY_NAME = "audit-hmac-key";
  public static final String PREFIX = "hmac-sha256:";
  private static final int KEY_LENGTH = 32;

  private final SecretKey key;

  private AuditRedaction(SecretKey key) {
    this.key = key;
  }

  /** Loads the audit HMAC key, generating and storing it on first use. */
  public static AuditRedaction loadOrCreate(SystemRepository system, RootKeyring keyring) {
    SecretBytes material = SystemSecrets.loadOrCreate(system, keyring, KEY_NAME, () -> SecretBytes.random(KEY_LENGTH));
    try {
      return new AuditRedaction(Hmac.key(material));
    } finally {
      material.destroy();
    }
  }

  /** A redaction with a caller-supplied key (copied); for tests and tools. */
  public static AuditRedaction withKey(SecretBytes material) {
    return new AuditRedaction(Hmac.key(material));
  }

  /** {@code hmac-sha256:<hex>} of the UTF-8 bytes of {@code value}; null stays null. */
  public String redact(String value) {
    if (value == null) {
      return null;
    }
    return PREFIX + Hex.encode(Hmac.compute(key, value.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "AuditRedaction[hmac-sha256, key redacted]";
  }
}
