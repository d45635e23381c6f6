package dev.rekey.core.crypto.sign;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.KeyType;
import java.util.Base64;
import java.util.Map;

/**
 * One signature algorithm: generates private material (to be wrapped by the root keyring), loads
 * it, signs and verifies messages or pre-hashed digests, and describes the public key as a JWK.
 * Implementations are stateless and thread-safe. Signatures use the encodings JWS uses.
 */
public interface SignatureAlgorithm {

  /** Fresh private material in this algorithm's storage form. */
  SecretBytes generate();

  SigningKey load(SecretBytes material);

  /** The private key of stored material as PKCS#8 DER, for an explicit, policy-gated export only. */
  byte[] privateKeyPkcs8(SecretBytes material);

  byte[] sign(SigningKey key, byte[] message);

  /** Signs a digest computed by the caller with this algorithm's hash. */
  byte[] signDigest(SigningKey key, byte[] digest);

  boolean verify(SigningKey key, byte[] message, byte[] signature);

  boolean verifyDigest(SigningKey key, byte[] digest, byte[] signature);

  /** The public JWK members ({@code kty}, {@code crv}/{@code x}/{@code y} or {@code n}/{@code e}). */
  Map<String, Object> publicJwk(SigningKey key);

  /** The algorithm's name for users: {@code EdDSA}, {@code ES256}, {@code PS256}, ... */
  String jwsAlgorithm();

  static SignatureAlgorithm of(KeyType type) {
    return switch (type) {
      case ED25519 -> Ed25519Algorithm.INSTANCE;
      case ECDSA_P256 -> EcdsaAlgorithm.P256;
      case ECDSA_P384 -> EcdsaAlgorithm.P384;
      case RSA_PSS_2048 -> RsaPssAlgorithm.RSA_2048;
      case RSA_PSS_3072 -> RsaPssAlgorithm.RSA_3072;
      case RSA_PSS_4096 -> RsaPssAlgorithm.RSA_4096;
      default -> throw RekeyException.unsupported("key type " + type.wireName() + " does not sign");
    };
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
