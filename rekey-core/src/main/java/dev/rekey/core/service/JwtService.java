package dev.rekey.core.service;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.crypto.sign.SignatureAlgorithm;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.KeyPurpose;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Web Tokens (compact JWS, RFC 7519) signed by the primary version of a signing key through
 * {@link SigningService}, and their verification. The header is
 * {@code {"alg":<the key's JWS alg>,"typ":"JWT","kid":"<name>-v<N>"}}; the signature is the one
 * SigningService makes (Ed25519 64 bytes, ECDSA {@code r || s}, RSA-PSS), so any JOSE library
 * verifies the token with the key's JWKS. Verification maps the {@code kid} to a version and
 * verifies through SigningService, so a token verifies for as long as its version does (revoked,
 * disabled, destroy-scheduled and destroyed versions give their reason), then checks {@code exp} and {@code nbf}
 * with {@link #CLOCK_SKEW}. Parsing uses Nimbus JOSE+JWT; nothing is trusted from the header
 * but {@code alg} (must be the key's) and {@code kid} (must name a version of this key).
 */
public final class JwtService {
  /** The longest JWT issued or accepted, in characters. */
  public static final int MAX_JWT_LENGTH = 16 * 1024;
  /** Tolerance for clocks that differ between issuer and verifier, for {@code exp} and {@code nbf}. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  /** The longest {@code ttl} accepted at issue. */
  public static final Duration MAX_TTL = Duration.ofDays(3650);

  public static final String MALFORMED = "malformed";
  public static final String WRONG_KEY = "wrong_key";
  public static final String INVALID_SIGNATURE = "invalid_signature";
  public static final String EXPIRED = "expired";
  public static final String NOT_YET_VALID = "not_yet_valid";

  private static final int SIGN_ATTEMPTS = 3;
  private static final int MAX_VERSION_DIGITS = 9;

  private final SigningService signing;
  private final Clock clock;

  public JwtService(SigningService signing, Clock clock) {
    this.signing = signing;
    this.clock = clock;
  }

  /** An issued token, with the key id and version that signed it. */
  public record Issued(String jwt, String kid, int version) {
    @Override
    public String toString() {
      return "Issued[jwt=redacted, kid=" + kid + ", version=" + version + "]";
    }
  }

  /**
   * The outcome of a verification. When valid, {@code claims} holds the payload; when not, a
   * stable {@code reason} ({@code malformed}, {@code wrong_key}, {@code invalid_signature},
   * {@code revoked}, {@code disabled}, {@code destroy_scheduled}, {@code destroyed}, {@code unknown_version},
   * {@code expired}, {@code not_yet_valid}) and no claims. {@code kid} and {@code version} are
   * set when the token names a version of this key.
   */
  public record Verification(boolean valid, Map<String, Object> claims, String kid, Integer version, String reason) {
    static Verification no(String kid, Integer version, String reason) {
      return new Verification(false, null, kid, version, reason);
    }

    @Override
    public String toString() {
      return "Verification[valid=" + valid + ", kid=" + kid + ", version=" + version + ", reason=" + reason + "]";
    }
  }

  /**
   * Issues a JWT with {@code claims} (may be null or empty) signed by the primary. Sets
   * {@code iat} to now and, when {@code ttl} is not null, {@code exp} to now + ttl; a caller's
   * {@code iat} or {@code exp} claim is refused, as is an {@code nbf} that is not a number, and any
   * number that is not a finite double anywhere in the claims.
   */
  public Issued issue(String namespace, String name, Map<String, Object> claims, Duration ttl) {
    Map<String, Object> payload = new LinkedHashMap<>();
    if (claims != null) {
      for (Map.Entry<String, Object> c : claims.entrySet()) {
        if (c.getKey() == null || c.getKey().isEmpty()) {
          throw RekeyException.invalid("claim names must not be empty");
        }
        payload.put(c.getKey(), c.getValue());
      }
    }
    if (payload.containsKey("iat")) {
      throw RekeyException.invalid("claim 'iat' is set by Rekey (the time of issue); remove it");
    }
    if (payload.containsKey("exp")) {
      throw RekeyException.invalid("claim 'exp' is set by Rekey from 'ttl'; remove it and send 'ttl' instead");
    }
    if (payload.containsKey("nbf") && !(payload.get("nbf") instanceof Number)) {
      throw RekeyException.invalid("claim 'nbf' must be a number (seconds since the epoch)");
    }
    for (Map.Entry<String, Object> claim : payload.entrySet()) {
      if (!Names.wellFormed(claim.getKey())) {
        throw RekeyException.invalid("a claim name contains half a character (an unpaired surrogate)");
      }
      requireWritable(claim.getKey(), claim.getValue());
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0)) {
      throw RekeyException.invalid("'ttl' must be positive and at most " + MAX_TTL.toDays() + " days");
    }
    long now = clock.instant().getEpochSecond();
    payload.put("iat", now);
    if (ttl != null) {
      payload.put("exp", now + ttl.getSeconds());
    }
    String body = base64Url(JSONObjectUtils.toJSONString(payload));

    for (int attempt = 0; attempt < SIGN_ATTEMPTS; attempt++) {
      Key key = signingKey(namespace, name);
      int version = key.primary().number();
      String kid = SigningService.kid(key, version);
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("alg", key.type().algorithm());
      header.put("typ", "JWT");
      header.put("kid", kid);
      String signingInput = base64Url(JSONObjectUtils.toJSONString(header)) + "." + body;
      CryptoService.Produced p = signing.sign(namespace, name, signingInput.getBytes(StandardCharsets.US_ASCII), false);
      if (p.version() != version) {
        continue; // the primary changed between reading it and signing: the kid would be wrong
      }
      String jwt = signingInput + "." + SignatureAlgorithm.base64Url(p.sealed().bytes());
      if (jwt.length() > MAX_JWT_LENGTH) {
        throw RekeyException.invalid("the JWT would be " + jwt.length() + " characters, more than "
            + MAX_JWT_LENGTH + "; send fewer or smaller claims");
      }
      return new Issued(jwt, kid, version);
    }
    throw RekeyException.concurrentModification("the primary version of key '" + name
        + "' kept changing while signing; retry");
  }

  /** Verifies {@code jwt} against the versions of the key; an invalid token is a result, not an exception. */
  public Verification verify(String namespace, String name, String jwt) {
    Key key = signingKey(namespace, name);
    if (jwt == null || jwt.isEmpty() || jwt.length() > MAX_JWT_LENGTH) {
      return Verification.no(null, null, MALFORMED);
    }
    JWSObject jws;
    Map<String, Object> claims;
    try {
      jws = JWSObject.parse(jwt);
      claims = JSONObjectUtils.parse(jws.getPayload().toString());
    } catch (ParseException | RuntimeException e) {
      return Verification.no(null, null, MALFORMED);
    }
    JWSHeader header = jws.getHeader();
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()
        || !header.isBase64URLEncodePayload()) {
      return Verification.no(null, null, MALFORMED); // no extension is understood (RFC 7515 4.1.11)
    }
    String kid = header.getKeyID();
    if (kid == null) {
      return Verification.no(null, null, MALFORMED);
    }
    Integer version = versionOf(key, kid);
    if (version == null || !key.type().algorithm().equals(header.getAlgorithm().getName())) {
      return Verification.no(null, null, WRONG_KEY);
    }
    String signature = new VersionedText(version, jws.getSignature().decode()).render();
    SigningService.Verification v = signing.verify(namespace, name, jws.getSigningInput(), false, signature);
    if (!v.valid()) {
      return Verification.no(kid, version, v.reason());
    }
    Long exp;
    Long nbf;
    try {
      exp = numericDate(claims, "exp");
      nbf = numericDate(claims, "nbf");
    } catch (IllegalArgumentException e) {
      return Verification.no(kid, version, MALFORMED);
    }
    long now = clock.instant().getEpochSecond();
    long skew = CLOCK_SKEW.getSeconds();
    if (exp != null && now - skew >= exp) {
      return Verification.no(kid, version, EXPIRED);
    }
    if (nbf != null && now + skew < nbf) {
      return Verification.no(kid, version, NOT_YET_VALID);
    }
    return new Verification(true, claims, kid, version, null);
  }

  /**
   * Refuses what the token could not carry faithfully in {@code value} (a JSON tree: maps, lists and
   * scalars), naming the claim by its path ({@code a.b[2]}): a number that is NaN, infinite or beyond
   * the range of a double (a request's {@code 1e309} parses as Infinity, which the JSON serializer
   * cannot write, and a huge integer serializes but no verifier that reads numbers as doubles, Nimbus
   * included, can parse the token back), and a string or claim name with half a character (an
   * unpaired surrogate), which UTF-8 would sign as '?' instead of what was asked.
   */
  private static void requireWritable(String path, Object value) {
    if (value instanceof Number n && !Double.isFinite(n.doubleValue())) {
      throw RekeyException.invalid("claim '" + path + "' must be a finite number within the range of a double"
          + " (not Infinity, NaN, or an overflowing value such as 1e309)");
    }
    if (value instanceof String text && !Names.wellFormed(text)) {
      throw RekeyException.invalid("claim '" + path + "' contains half a character (an unpaired surrogate)");
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!Names.wellFormed(name)) {
          throw RekeyException.invalid("a claim name inside '" + path + "' contains half a character"
              + " (an unpaired surrogate)");
        }
        requireWritable(path + "." + name, e.getValue());
      }
    } else if (value instanceof Iterable<?> items) {
      int i = 0;
      for (Object item : items) {
        requireWritable(path + "[" + i++ + "]", item);
      }
    }
  }

  /** The version a kid names when it is {@code <this key's name>-v<N>}, else null. */
  private static Integer versionOf(Key key, String kid) {
    String prefix = key.name() + "-v";
    if (!kid.startsWith(prefix)) {
      return null;
    }
    String digits = kid.substring(prefix.length());
    if (digits.isEmpty() || digits.length() > MAX_VERSION_DIGITS || digits.charAt(0) == '0') {
      return null;
    }
    int version = 0;
    for (int i = 0; i < digits.length(); i++) {
      char ch = digits.charAt(i);
      if (ch < '0' || ch > '9') {
        return null;
      }
      version = version * 10 + (ch - '0');
    }
    return version;
  }

  /** A NumericDate claim in whole seconds (fractions are truncated), null when absent. */
  private static Long numericDate(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null && !claims.containsKey(name)) {
      return null;
    }
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException(name);
    }
    return n.longValue();
  }

  private Key signingKey(String namespace, String name) {
    Key key = signing.cachedKey(namespace, name);
    if (key.type().purpose() != KeyPurpose.SIGNING) {
      throw RekeyException.unsupported("key '" + name + "' is of type " + key.type().wireName()
          + " and cannot sign JWTs; create a key of type ed25519, ecdsa-p256, ecdsa-p384 or rsa-pss-*");
    }
    return key;
  }

  private static String base64Url(String json) {
    return SignatureAlgorithm.base64Url(json.getBytes(StandardCharsets.UTF_8));
  }
}
