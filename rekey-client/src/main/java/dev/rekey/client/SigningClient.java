package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.Jwks;
import dev.rekey.api.JwtIssueRequest;
import dev.rekey.api.JwtIssueResponse;
import dev.rekey.api.JwtVerifyRequest;
import dev.rekey.api.JwtVerifyResponse;
import dev.rekey.api.MacRequest;
import dev.rekey.api.MacResponse;
import dev.rekey.api.MacVerifyRequest;
import dev.rekey.api.MacVerifyResponse;
import dev.rekey.api.PublicKeyView;
import dev.rekey.api.SignRequest;
import dev.rekey.api.SignResponse;
import dev.rekey.api.VerifyRequest;
import dev.rekey.api.VerifyResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Signing and MAC keys ({@code client.signing()}): sign and verify messages or digests, HMAC,
 * JWTs, public keys and JWKS. Shares the connection, token and namespace of the
 * {@link RekeyClient} it came from.
 */
public final class SigningClient {
  private final ApiCalls calls;

  SigningClient(ApiCalls calls) {
    this.calls = calls;
  }

  public MacResponse mac(String name, byte[] message) {
    return calls.post(ApiPaths.keyOperation(name, "mac"), new MacRequest(WireText.b64(message)), MacResponse.class);
  }

  /** True when {@code mac} is a valid tag of {@code message} under the key. */
  public boolean verifyMac(String name, byte[] message, String mac) {
    return calls.post(ApiPaths.keyOperation(name, "mac/verify"), new MacVerifyRequest(WireText.b64(message), mac),
        MacVerifyResponse.class).valid();
  }

  /** Signs {@code message} with the key's primary version; the signature is {@code rekey:v<n>:<base64>}. */
  public SignResponse sign(String name, byte[] message) {
    WireText.requireBytes(message, "message");
    return calls.post(ApiPaths.keyOperation(name, "sign"), SignRequest.ofMessage(WireText.b64(message)), SignResponse.class);
  }

  /**
   * Signs a pre-hashed digest (SHA-256/384/512, the hash of the key's algorithm; not for
   * ed25519 keys, which sign whole messages).
   */
  public SignResponse signDigest(String name, byte[] digest) {
    WireText.requireBytes(digest, "digest");
    return calls.post(ApiPaths.keyOperation(name, "sign"), SignRequest.ofDigest(WireText.b64(digest)), SignResponse.class);
  }

  /**
   * Verifies a signature of {@code message}. A bad signature, or one of a revoked, destroyed or
   * disabled version, is {@code valid=false} with a {@code reason}, not an exception.
   */
  public VerifyResponse verify(String name, byte[] message, String signature) {
    WireText.requireBytes(message, "message");
    return calls.post(ApiPaths.keyOperation(name, "verify"), VerifyRequest.ofMessage(WireText.b64(message), signature),
        VerifyResponse.class);
  }

  /** Verifies a signature of a pre-hashed digest; see {@link #verify} and {@link #signDigest}. */
  public VerifyResponse verifyDigest(String name, byte[] digest, String signature) {
    WireText.requireBytes(digest, "digest");
    return calls.post(ApiPaths.keyOperation(name, "verify"), VerifyRequest.ofDigest(WireText.b64(digest), signature),
        VerifyResponse.class);
  }

  /**
   * Issues a JWT signed by the key's primary version, with {@code claims} (may be null) and, when
   * {@code ttl} is not null, {@code exp} = now + ttl. Rekey sets {@code iat}; {@code iat} and
   * {@code exp} in {@code claims} are refused.
   */
  public JwtIssueResponse issueJwt(String name, Map<String, Object> claims, Duration ttl) {
    return calls.post(ApiPaths.keyOperation(name, "jwt"), new JwtIssueRequest(claims, ttl == null ? null : ttl.toString()),
        JwtIssueResponse.class);
  }

  /**
   * Verifies a JWT with the version its {@code kid} names. An invalid token (bad signature,
   * expired, revoked version, another key's token, ...) is {@code valid=false} with a
   * {@code reason}, not an exception; when valid the answer carries the claims.
   */
  public JwtVerifyResponse verifyJwt(String name, String jwt) {
    if (jwt == null) {
      throw new IllegalArgumentException("jwt must not be null");
    }
    return calls.post(ApiPaths.keyOperation(name, "jwt/verify"), new JwtVerifyRequest(jwt), JwtVerifyResponse.class);
  }

  /** The public key of one version ({@code version} null: the primary), as PEM and JWK. */
  public PublicKeyView publicKey(String name, Integer version) {
    return calls.get(ApiPaths.publicKey(name, version), PublicKeyView.class);
  }

  /** The JWKS of one signing key of {@code namespace}; sent without the token (a public endpoint). */
  public Jwks jwks(String namespace, String name) {
    return calls.publicGet(ApiPaths.jwks(RekeyClientBuilder.requireNamespace(namespace), name), Jwks.class);
  }

  /** The JWKS of every signing key of {@code namespace}; sent without the token (a public endpoint). */
  public Jwks jwks(String namespace) {
    return calls.publicGet(ApiPaths.jwks(RekeyClientBuilder.requireNamespace(namespace)), Jwks.class);
  }
}
