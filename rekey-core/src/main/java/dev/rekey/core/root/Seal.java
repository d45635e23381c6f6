package dev.rekey.core.root;

import dev.rekey.core.crypto.SecretBytes;

/**
 * What protects the root keyring at rest: a key file (dev), a key rebuilt from Shamir shares, or
 * a non-extractable key inside an HSM. A seal only encrypts and decrypts the small keyring blob;
 * all other material is wrapped by the keyring's keys.
 *
 * <p>Implementations use AES-256-GCM with the given associated data; {@link #open} fails with
 * {@code DECRYPTION_FAILED} when the blob was not sealed by this seal with that data.
 */
public interface Seal extends AutoCloseable {

  /** A short description for status output, for example {@code file}, {@code shamir}, {@code pkcs11}. */
  String type();

  /** Is the seal ready to seal and open (a Shamir seal is not until enough shares arrived)? */
  boolean ready();

  byte[] seal(SecretBytes plaintext, byte[] associatedData);

  SecretBytes open(byte[] sealed, byte[] associatedData);

  @Override
  default void close() {}
}
