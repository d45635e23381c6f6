package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.crypto.sign.SigningKey;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.usage.Operation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signing and verification with the versions of a signing key. The primary signs; the signature's
 * text form names the version ({@code rekey:vN:<base64>}). A signature verifies for ever with a
 * PENDING, PRIMARY, ACTIVE or RETIRED version, so old signatures survive every rotation; any other
 * version refuses with a reason (see {@link #refusal}). Signing and every verification that checked a signature
 * (valid or not) are counted against their version (JWT issue and verify included).
 */
public final class SigningService {
  /** How long a previous primary stays in the JWKS after it was demoted, unless a test says otherwise. */
  public static final Duration DEFAULT_JWKS_OVERLAP = Duration.ofHours(24);

  private final KeyCache cache;
  private final Clock clock;
  private final Duration jwksOverlap;

  /** With the system clock and the default JWKS overlap. */
  public SigningService(KeyCache cache) {
    this(cache, Clock.systemUTC(), DEFAULT_JWKS_OVERLAP);
  }

  public SigningService(KeyCache cache, Clock clock, Duration jwksOverlap) {
    this.cache = cache;
    this.clock = clock;
    this.jwksOverlap = jwksOverlap;
  }

  /** The outcome of a verification: when not valid, a stable reason. */
  public record Verification(boolean valid, Integer version, String reason) {
    static Verification ok(int version) {
      return new Verification(true, version, null);
    }

    static Verification no(Integer version, String reason) {
      return new Verification(false, version, reason);
    }
  }

  /** A public key for export: PEM and JWK (with {@code kid}, {@code alg} and {@code use}). */
  public record PublicKeyInfo(int version, String algorithm, String pem, Map<String, Object> jwk) {}

  /** Signs {@code message}, or a pre-hashed {@code digest} when {@code prehashed}. */
  public CryptoService.Produced sign(String namespace, String name, byte[] data, boolean prehashed) {
    KeyCache.Entry e = signingEntry(namespace, name);
    KeyVersion primary = e.key().primary();
    SignatureAlgorithm alg = SignatureAlgorithm.of(e.key().type());
    SigningKey key = load(e, primary, alg);
    byte[] signature = prehashed ? alg.signDigest(key, data) : alg.sign(key, data);
    e.usage().record(primary.number(), Operation.SIGN);
    return new CryptoService.Produced(new VersionedText(primary.number(), signature));
  }

  public Verification verify(String namespace, String name, byte[] data, boolean prehashed, String signature) {
    VersionedText parsed;
    try {
      parsed = VersionedText.parse(signature);
    } catch (RekeyException ex) {
      signingEntry(namespace, name);
      return Verification.no(null, "invalid_signature");
    }
    KeyCache.Entry e = signingEntry(namespace, name);
    if (parsed.version() > e.key().latestVersion()) {
      e = cache.refresh(namespace, name);
    }
    Optional<KeyVersion> found = e.key().version(parsed.version());
    if (found.isEmpty()) {
      return Verification.no(parsed.version(), "unknown_version");
    }
    KeyVersion v = found.get();
    String refused = refusal(v);
    if (refused != null) {
      return Verification.no(v.number(), refused);
    }
    SignatureAlgorithm alg = SignatureAlgorithm.of(e.key().type());
    SigningKey key = load(e, v, alg);
    boolean valid = prehashed ? alg.verifyDigest(key, data, parsed.bytes()) : alg.verify(key, data, parsed.bytes());
    e.usage().record(v.number(), Operation.VERIFY);
    return valid ? Verification.ok(v.number()) : Verification.no(v.number(), "invalid_signature");
  }

  /** The public key of {@code version}, or of the primary when null. */
  public PublicKeyInfo publicKey(String namespace, String name, Integer version) {
    KeyCache.Entry e = signingEntry(namespace, name);
    KeyVersion v = version == null ? e.key().primary() : e.key().requireVersion(version);
    if (!v.state().hasMaterial()) {
      throw RekeyException.illegalState("version " + v.number() + " of key '" + name + "' was destroyed");
    }
    SignatureAlgorithm alg = SignatureAlgorithm.of(e.key().type());
    SigningKey key = load(e, v, alg);
    return new PublicKeyInfo(v.number(), alg.jwsAlgorithm(), pem(key.publicDer()), jwk(e.key(), v, alg, key));
  }

  /**
   * The JWKS of one key: the versions a verifier should know now, newest first: PENDING (published
   * ahead of promotion so that caches have it before it signs), PRIMARY, and ACTIVE versions for
   * the overlap after their demotion (so tokens they signed still verify from caches). Older
   * versions leave the JWKS but still verify through the API.
   */
  public List<Map<String, Object>> jwks(Key key) {
    if (key.type().purpose() != KeyPurpose.SIGNING) {
      return List.of();
    }
    return jwks(cache.get(key.namespace(), key.name()));
  }

  /** The key as this node's cache has it (for serving JWKS without a database read). */
  public Key cachedKey(String namespace, String name) {
    return cache.get(namespace, name).key();
  }

  private List<Map<String, Object>> jwks(KeyCache.Entry e) {
    SignatureAlgorithm alg = SignatureAlgorithm.of(e.key().type());
    List<Map<String, Object>> keys = new ArrayList<>();
    List<KeyVersion> versions = e.key().versions();
    for (int i = versions.size() - 1; i >= 0; i--) {
      KeyVersion v = versions.get(i);
      VersionState s = v.state();
      boolean overlapping = s == VersionState.ACTIVE
          && clock.instant().isBefore(v.stateChangedAt().plus(jwksOverlap));
      if (s == VersionState.PENDING || s == VersionState.PRIMARY || overlapping) {
        keys.add(jwk(e.key(), v, alg, load(e, v, alg)));
      }
    }
    return keys;
  }

  /** The key id of a version in JWKs and JWT headers. */
  public static String kid(Key key, int version) {
    return key.name() + "-v" + version;
  }

  /**
   * Why {@code v} may not verify, or null when it may. A version that was ever revoked answers
   * {@code revoked} in every later state (DESTROY_SCHEDULED, DESTROYED): it was compromised, so a
   * signature by it proves nothing, and scheduling its destruction must not make it verify again.
   * Other refused versions name their state. The switch has no default so that a new state cannot
   * verify until it is decided here.
   */
  private static String refusal(KeyVersion v) {
    if (v.revokedAt() != null) {
      return "revoked";
    }
    return switch (v.state()) {
      case PENDING, PRIMARY, ACTIVE, RETIRED -> null;
      case REVOKED -> "revoked";
      case DISABLED -> "disabled";
      case DESTROY_SCHEDULED -> "destroy_scheduled";
      case DESTROYED -> "destroyed";
    };
  }

  private static Map<String, Object> jwk(Key key, KeyVersion v, SignatureAlgorithm alg, SigningKey signingKey) {
    Map<String, Object> jwk = new LinkedHashMap<>(alg.publicJwk(signingKey));
    jwk.put("kid", kid(key, v.number()));
    jwk.put("alg", alg.jwsAlgorithm());
    jwk.put("use", "sig");
    return jwk;
  }

  private SigningKey load(KeyCache.Entry e, KeyVersion v, SignatureAlgorithm alg) {
    return cache.loaded(e, v, SigningKey.class, alg::load);
  }

  private KeyCache.Entry signingEntry(String namespace, String name) {
    KeyCache.Entry e = cache.get(namespace, name);
    if (e.key().type().purpose() != KeyPurpose.SIGNING) {
      throw RekeyException.unsupported("key '" + name + "' is of type " + e.key().type().wireName()
          + " and cannot sign; create a key of type ed25519, ecdsa-p256, ecdsa-p384 or rsa-pss-*");
    }
    return e;
  }

  static String pem(byte[] der) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }
}
