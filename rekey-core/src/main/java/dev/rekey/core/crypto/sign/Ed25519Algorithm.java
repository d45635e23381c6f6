package dev.rekey.core.crypto.sign;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.security.Provider;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 (RFC 8032, pure). Signing uses the native provider when it is in use ({@link
 * NativeCrypto}: AWS-LC, about three times faster than BouncyCastle here), otherwise
 * BouncyCastle's lightweight API (about 20 times faster than the JDK's). Ed25519 is
 * deterministic, so both give the same signature, byte for byte. Verification, public keys and
 * export use BouncyCastle. Material is the 32-byte private seed. Pre-hashed input is not offered:
 * pure Ed25519 signs the message itself.
 */
final class Ed25519Algorithm implements SignatureAlgorithm {
  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte key. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  /** DER prefix of a PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410), followed by the 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  /**
   * Longer messages are signed by BouncyCastle: the native provider buffers a whole Ed25519 message
   * (pure Ed25519 hashes it twice) and refuses more than 1 MiB.
   */
  static final int NATIVE_MAX_MESSAGE = 64 * 1024;

  /** BouncyCastle only. */
  static final Ed25519Algorithm PORTABLE = new Ed25519Algorithm(null);
  /** Native signing when it is available, else the same as {@link #PORTABLE}. */
  static final Ed25519Algorithm INSTANCE = NativeCrypto.provider().map(Ed25519Algorithm::new).orElse(PORTABLE);

  private final Provider nativeProvider;

  private Ed25519Algorithm(Provider nativeProvider) {
    this.nativeProvider = nativeProvider;
  }

  /** Whether keys this instance loads sign in the native provider. */
  boolean isNative() {
    return nativeProvider != null;
  }

  @Override
  public SecretBytes generate() {
    return SecretBytes.wrap(new Ed25519PrivateKeyParameters(Randomness.get()).getEncoded());
  }

  @Override
  public SigningKey load(SecretBytes material) {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(material.reveal(SecretAccess.get()), 0);
    Ed25519PublicKeyParameters pub = priv.generatePublicKey();
    byte[] raw = pub.getEncoded();
    byte[] der = new byte[SPKI_PREFIX.length + raw.length];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, raw.length);
    return new SigningKey(priv, pub, der,
        nativeProvider == null ? null : new NativeKey(nativeProvider, "EdDSA", () -> pkcs8(priv)));
  }

  /** PKCS#8 DER of the key (RFC 8410); the seed copy is zeroed. */
  private static byte[] pkcs8(Ed25519PrivateKeyParameters priv) {
    byte[] seed = priv.getEncoded();
    byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
    System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
    Arrays.fill(seed, (byte) 0);
    return der;
  }

  @Override
  public byte[] privateKeyPkcs8(SecretBytes material) {
    try {
      return org.bouncycastle.crypto.util.PrivateKeyInfoFactory.createPrivateKeyInfo(
          new Ed25519PrivateKeyParameters(material.reveal(SecretAccess.get()), 0)).getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot encode an Ed25519 private key", e);
    }
  }

  @Override
  public byte[] sign(SigningKey key, byte[] message) {
    if (key.nativeKey() != null && message.length <= NATIVE_MAX_MESSAGE) {
      return key.nativeKey().sign("Ed25519", message);
    }
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, (Ed25519PrivateKeyParameters) key.privateKey());
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Override
  public byte[] signDigest(SigningKey key, byte[] digest) {
    throw noDigest();
  }

  @Override
  public boolean verify(SigningKey key, byte[] message, byte[] signature) {
    if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
      return false;
    }
    Ed25519Signer s = new Ed25519Signer();
    s.init(false, (Ed25519PublicKeyParameters) key.publicKey());
    s.update(message, 0, message.length);
    return s.verifySignature(signature);
  }

  @Override
  public boolean verifyDigest(SigningKey key, byte[] digest, byte[] signature) {
    throw noDigest();
  }

  @Override
  public Map<String, Object> publicJwk(SigningKey key) {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "OKP");
    jwk.put("crv", "Ed25519");
    jwk.put("x", SignatureAlgorithm.base64Url(((Ed25519PublicKeyParameters) key.publicKey()).getEncoded()));
    return jwk;
  }

  @Override
  public String jwsAlgorithm() {
    return "EdDSA";
  }

  private static RekeyException noDigest() {
    return RekeyException.unsupported("ed25519 signs the message itself; send 'message', not 'digest'");
  }
}
