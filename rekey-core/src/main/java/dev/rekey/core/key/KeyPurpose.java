package dev.rekey.core.key;

/** What a key's versions may be used for; decides which operations a key type supports. */
public enum KeyPurpose {
  /** Encrypt, decrypt, rewrap and data keys. */
  ENCRYPTION,
  /** Message authentication codes: generate and verify. */
  MAC,
  /** Asymmetric signatures: sign and verify, public key export. */
  SIGNING
}
