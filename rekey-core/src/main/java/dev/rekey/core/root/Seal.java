package dev.rekey.core.root;

import dev.rekey.core.crypto.SecretBytes;

/**
 * What protects the root keyring at rest: a key file (dev), a key rebuilt from Shamir shares, or
 * a non-extractable key inside an HSM. A seal only encrypts and decrypts the small keyring blob;
 * all other material is wrapped by the keyring's keys.
 *
 * <p>Implementations use AES-256-GCM with the given associated data; {@link #open} fails with
 * {@code DECRYPTION_FAILED} when the blob was not sealed by this seal with that data.
 * Implementations are thread-safe and their {@code toString} never contains key material or PINs.
 */
public interface Seal extends AutoCloseable {

  /** A short description for status output, for example {@code file}, {@code shamir}, {@code pkcs11}. */
  String type();

  /** Is the seal ready to seal and open (a Shamir seal is not until enough shares arrived)? */
  boolean ready();

  byte[] seal(SecretBytes plaintext, byte[] associatedData);

  SecretBytes open(byte[] sealed, byte[] associatedData);

  /**
   * Can the server open the keyring at start without an operator (a key file, an HSM)? When false,
   * an operator must supply key material first (Shamir unseal shares).
   */
  default boolean autoUnseals() {
    return true;
  }

  /**
   * Drops key material that an operator supplied, so that {@link #ready()} is false until it is
   * supplied again. A no-op for seals whose key lives in a file or an HSM.
   */
  default void forget() {}

  @Override
  default void close() {}
}
