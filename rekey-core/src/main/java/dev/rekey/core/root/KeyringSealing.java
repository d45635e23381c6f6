package dev.rekey.core.root;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.SystemRepository;

/**
 * The root keyring as stored ({@link KeyringRecord}) and the configured {@link Seal} that closes
 * and opens it: seals a keyring for storing, opens a stored record, and checks a stored record
 * against this server's seal configuration. Keeps no state of its own; the seal keeps its key.
 */
final class KeyringSealing {
  private final SystemRepository system;
  private final Seal seal;

  KeyringSealing(SystemRepository system, Seal seal) {
    this.system = system;
    this.seal = seal;
  }

  /** {@code k} sealed for storing; SEALED while the seal is not ready. */
  byte[] seal(RootKeyring k) {
    if (!seal.ready()) {
      throw RekeyException.sealed();
    }
    SecretBytes plain = k.serialize();
    try {
      return seal.seal(plain, MaterialBinding.keyring());
    } finally {
      plain.destroy();
    }
  }

  /** The keyring {@code rec} holds; DECRYPTION_FAILED when this seal does not open it. */
  RootKeyring open(KeyringRecord rec) {
    SecretBytes plain = seal.open(rec.sealed(), MaterialBinding.keyring());
    try {
      return RootKeyring.deserialize(plain);
    } finally {
      plain.destroy();
    }
  }

  /**
   * The record {@code stored} decodes to, checked against this server's seal: ILLEGAL_STATE for
   * another seal type; a Shamir seal takes the stored shares and threshold. Also stores the seal
   * configuration for readers when a crash between the two writes of init left it out.
   */
  KeyringRecord checked(byte[] stored) {
    KeyringRecord rec = KeyringRecord.decode(stored);
    if (!rec.sealType().equals(seal.type())) {
      throw RekeyException.illegalState("this installation was initialized with the " + rec.sealType()
          + " seal but the server is configured with the " + seal.type() + " seal; configure the "
          + rec.sealType() + " seal");
    }
    if (seal instanceof ShamirSeal shamir
        && (shamir.shares() != rec.shares() || shamir.threshold() != rec.threshold())) {
      shamir.configure(rec.shares(), rec.threshold());
    }
    if (system.get(RootOfTrust.SEAL_CONFIG_NAME).isEmpty()) {
      system.putIfAbsent(RootOfTrust.SEAL_CONFIG_NAME, rec.configText()); // a crash between the two writes of init
    }
    return rec;
  }
}
