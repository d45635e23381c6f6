package dev.rekey.core.audit;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Hex;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.root.SystemSecrets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 key that signs audit checkpoints (BouncyCastle's lightweight API).
 *
 * <p>Generated on first use. The 32-byte private seed is stored in the {@link SystemRepository}
 * under {@value #PRIVATE_NAME} only wrapped by the root keyring (through {@link SystemSecrets}, so
 * root key rotation re-wraps it); the 32-byte public key is stored
 * in clear under {@value #PUBLIC_NAME} so that anyone can verify the trail. The key id is
 * {@code ed25519:} and the first 16 hex digits of SHA-256 of the public key.
 *
 * <p>Thread-safe. {@link #toString()} never shows the private key.
 */
public final class AuditSigningKey {
  public static final String PRIVATE_NAME = "audit-signing-key";
  public static final String PUBLIC_NAME = "audit-signing-public-key";

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final String keyId;

  private AuditSigningKey(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    this.keyId = keyId(publicKey);
  }

  /** Loads the audit signing key, generating and storing it on first use. */
  public static AuditSigningKey loadOrCreate(SystemRepository system, RootKeyring keyring) {
    return from(system, SystemSecrets.loadOrCreate(system, keyring, PRIVATE_NAME,
        () -> SecretBytes.random(Ed25519PrivateKeyParameters.KEY_SIZE)));
  }

  /**
   * As {@link #loadOrCreate(SystemRepository, RootKeyring)} on a server: a new key is stored
   * safely against a concurrent root key rotation ({@link RootOfTrust#loadOrCreateSystemSecret}).
   * {@code system}: the store {@code root} keeps its keyring in.
   */
  public static AuditSigningKey loadOrCreate(SystemRepository system, RootOfTrust root) {
    return from(system, root.loadOrCreateSystemSecret(PRIVATE_NAME,
        () -> SecretBytes.random(Ed25519PrivateKeyParameters.KEY_SIZE)));
  }

  private static AuditSigningKey from(SystemRepository system, SecretBytes seed) {
    AuditSigningKey key;
    try {
      if (seed.length() != Ed25519PrivateKeyParameters.KEY_SIZE) {
        throw RekeyException.illegalState("stored audit signing key has the wrong length");
      }
      key = new AuditSigningKey(new Ed25519PrivateKeyParameters(seed.reveal(SecretAccess.get()), 0));
    } finally {
      seed.destroy();
    }
    if (!system.putIfAbsent(PUBLIC_NAME, key.publicKey())) {
      Optional<byte[]> stored = system.get(PUBLIC_NAME);
      if (stored.isEmpty() || !MessageDigest.isEqual(stored.get(), key.publicKey)) {
        throw RekeyException.illegalState("stored audit signing public key does not match the private key");
      }
    }
    return key;
  }

  /** A key that is not stored anywhere; for tests and tools. */
  public static AuditSigningKey generate() {
    return new AuditSigningKey(new Ed25519PrivateKeyParameters(Randomness.get()));
  }

  /** The stored public key, if any: what a verifier trusts. */
  public static Optional<byte[]> storedPublicKey(SystemRepository system) {
    return system.get(PUBLIC_NAME);
  }

  /** Signs the checkpoint {@code (seq, hash, at, keyId)}; {@code at} is truncated to microseconds. */
  public AuditCheckpoint sign(long seq, String hash, Instant at) {
    Instant when = AuditChain.normalize(at);
    byte[] message = AuditChain.checkpointBytes(seq, hash, when, keyId);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return new AuditCheckpoint(seq, hash, when, keyId, Base64.getEncoder().encodeToString(signer.generateSignature()));
  }

  /** Whether {@code checkpoint} carries a valid signature by {@code publicKey} under that key's id. */
  public static boolean verify(byte[] publicKey, AuditCheckpoint checkpoint) {
    if (publicKey == null || publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE
        || checkpoint.hash() == null || checkpoint.at() == null || checkpoint.signature() == null
        || !keyId(publicKey).equals(checkpoint.keyId())) {
      return false;
    }
    byte[] signature;
    byte[] message;
    try {
      signature = Base64.getDecoder().decode(checkpoint.signature());
      // text that is not well-formed UTF-16 was never signed
      message = AuditChain.checkpointBytes(checkpoint.seq(), checkpoint.hash(), checkpoint.at(), checkpoint.keyId());
    } catch (IllegalArgumentException e) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  public static String keyId(byte[] publicKey) {
    return "ed25519:" + Hex.encode(Hex.sha256(publicKey)).substring(0, 16);
  }

  public String keyId() {
    return keyId;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public String toString() {
    return "AuditSigningKey[" + keyId + ", private key redacted]";
  }
}
