package dev.rekey.core.crypto.sign;

import dev.rekey.core.crypto.SecretBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Two generated keys of every signature algorithm, made once per test JVM (RSA 3072/4096 key
 * generation takes seconds, so all keys are generated in parallel on first use).
 */
final class SignTestKeys {
  /** Every algorithm; Ed25519 and ECDSA twice where native signing is in use (native and portable). */
  static final List<SignatureAlgorithm> ALL = java.util.stream.Stream.of(Ed25519Algorithm.INSTANCE,
      Ed25519Algorithm.PORTABLE, EcdsaAlgorithm.P256, EcdsaAlgorithm.PORTABLE_P256, EcdsaAlgorithm.P384,
      EcdsaAlgorithm.PORTABLE_P384, RsaPssAlgorithm.RSA_2048, RsaPssAlgorithm.RSA_3072,
      RsaPssAlgorithm.RSA_4096).distinct().toList();

  /** Material of a key pair, kept so tests can decode it into JCA keys too. */
  record Generated(SecretBytes material, SigningKey key) {}

  private static final Map<SignatureAlgorithm, List<CompletableFuture<Generated>>> KEYS = ALL.stream()
      .collect(Collectors.toMap(Function.identity(), a -> List.of(generate(a), generate(a))));

  private SignTestKeys() {}

  private static CompletableFuture<Generated> generate(SignatureAlgorithm alg) {
    return CompletableFuture.supplyAsync(() -> {
      SecretBytes material = alg.generate();
      return new Generated(material, alg.load(material));
    });
  }

  static SigningKey first(SignatureAlgorithm alg) {
    return KEYS.get(alg).get(0).join().key();
  }

  static SigningKey second(SignatureAlgorithm alg) {
    return KEYS.get(alg).get(1).join().key();
  }

  static SecretBytes firstMaterial(SignatureAlgorithm alg) {
    return KEYS.get(alg).get(0).join().material();
  }

  /** A test's display name: the JWS name, and for Ed25519 and ECDSA which implementation signs. */
  static String name(SignatureAlgorithm alg) {
    boolean nativeSigning = alg instanceof Ed25519Algorithm ed ? ed.isNative()
        : alg instanceof EcdsaAlgorithm ec && ec.isNative();
    return alg instanceof RsaPssAlgorithm ? alg.jwsAlgorithm()
        : alg.jwsAlgorithm() + (nativeSigning ? " (native)" : " (BouncyCastle)");
  }

  /** The hash each algorithm pairs with (null for Ed25519, which takes no digest). */
  static String hashOf(SignatureAlgorithm alg) {
    if (alg == EcdsaAlgorithm.P256 || alg == EcdsaAlgorithm.PORTABLE_P256 || alg == RsaPssAlgorithm.RSA_2048) {
      return "SHA-256";
    }
    if (alg == EcdsaAlgorithm.P384 || alg == EcdsaAlgorithm.PORTABLE_P384 || alg == RsaPssAlgorithm.RSA_3072) {
      return "SHA-384";
    }
    if (alg == RsaPssAlgorithm.RSA_4096) {
      return "SHA-512";
    }
    return null;
  }

  static byte[] digest(String hash, byte[] message) {
    try {
      return MessageDigest.getInstance(hash).digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
