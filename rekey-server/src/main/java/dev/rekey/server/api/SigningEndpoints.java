package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.Jwks;
import dev.rekey.api.PublicKeyView;
import dev.rekey.api.SignRequest;
import dev.rekey.api.VerifyRequest;
import dev.rekey.api.VerifyResponse;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.crypto.Hex;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.Names;
import dev.rekey.core.service.CryptoService.Produced;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SigningService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.FlatFields;
import dev.rekey.server.http.Json;
import dev.rekey.server.http.RawJson;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sign, verify, public key export, and the public JWKS documents. JWKS answers carry
 * {@code Cache-Control} and a strong {@code ETag} and answer 304 to a matching
 * {@code If-None-Match}; they need no token and, like health, are not audited.
 */
public final class SigningEndpoints {
  private static final FlatFields SIGN = FlatFields.of("b64:message", "b64:digest");
  /** How long verifiers may cache a JWKS: a rotation publishes the next version at least this early. */
  public static final int JWKS_MAX_AGE_SECONDS = 300;
  private final SigningService signing;
  private final HandlerMode fromMemory;
  private final HandlerMode jwksFromMemory;
  private final KeyService keys;
  private final Json json;

  /** {@code jwksFromMemory}: as {@code fromMemory}, for the JWKS route (namespace and key in its path). */
  public SigningEndpoints(SigningService signing, KeyService keys, Json json, HandlerMode fromMemory,
      HandlerMode jwksFromMemory) {
    this.signing = signing;
    this.fromMemory = fromMemory;
    this.jwksFromMemory = jwksFromMemory;
    this.keys = keys;
    this.json = json;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/keys/:name/sign", Action.SIGN, fromMemory, this::sign);
    r.route(HttpMethod.POST, "/v1/keys/:name/verify", Action.VERIFY, fromMemory, this::verify);
    r.route(HttpMethod.GET, "/v1/keys/:name/public-key", Action.KEY_READ, fromMemory, this::publicKey);
    r.publicRoute(HttpMethod.GET, "/v1/jwks/:namespace/:key", "jwks.read", false, jwksFromMemory, this::keyJwks);
    r.publicRoute(HttpMethod.GET, "/v1/jwks/:namespace", "jwks.read", false, BLOCKING, this::namespaceJwks);
  }

  private Object sign(Call c) {
    FlatFields.Values flat = c.flatBody(SIGN);
    if (flat != null && (flat.bytes(0) == null) != (flat.bytes(1) == null)) {
      boolean digest = flat.bytes(1) != null;
      Produced p = signing.sign(c.namespace(), c.keyName(), digest ? flat.bytes(1) : flat.bytes(0), digest);
      c.auditVersion(p.version());
      return RawJson.versionedText("signature", p.sealed());
    }
    SignRequest req = c.body(SignRequest.class);
    Produced p = signing.sign(c.namespace(), c.keyName(), messageOrDigest(req.message(), req.digest()),
        req.digest() != null);
    c.auditVersion(p.version());
    return RawJson.versionedText("signature", p.sealed());
  }

  private Object verify(Call c) {
    VerifyRequest req = c.body(VerifyRequest.class);
    if (req.signature() == null) {
      throw RekeyException.invalid("field 'signature' is required");
    }
    SigningService.Verification v = signing.verify(c.namespace(), c.keyName(),
        messageOrDigest(req.message(), req.digest()), req.digest() != null, req.signature());
    if (v.version() != null) {
      c.auditVersion(v.version());
    }
    c.auditDetails(v.valid() ? "{\"valid\":true}" : "{\"valid\":false,\"reason\":\"" + v.reason() + "\"}");
    return new VerifyResponse(v.valid(), v.version(), v.reason());
  }

  private Object publicKey(Call c) {
    String raw = c.query("version");
    Integer version = raw == null ? null : c.intQuery("version", 1, 1, Integer.MAX_VALUE);
    SigningService.PublicKeyInfo info = signing.publicKey(c.namespace(), c.keyName(), version);
    c.auditVersion(info.version());
    return new PublicKeyView(info.version(), info.algorithm(), info.pem(), info.jwk());
  }

  private Object keyJwks(Call c) {
    String namespace = Names.namespace(c.pathParam("namespace"));
    String name = Names.keyName(c.pathParam("key"));
    Key key;
    try {
      key = signing.cachedKey(namespace, name);
    } catch (RekeyException e) {
      throw noSigningKey(namespace, name);
    }
    if (key.type().purpose() != KeyPurpose.SIGNING) {
      throw noSigningKey(namespace, name);
    }
    String id = namespace + "/" + name;
    Rendered r = rendered.get(id);
    long now = System.nanoTime();
    if (r == null || r.revision != key.revision() || now - r.at > RENDERED_TTL_NANOS) {
      r = render(new Jwks(signing.jwks(key)), key.revision(), now);
      rendered.put(id, r);
    }
    return conditional(c, r);
  }

  /** A serialized JWKS and its ETag, kept briefly per key revision (the overlap window moves with time). */
  private record Rendered(byte[] body, String etag, long revision, long at) {}

  private static final long RENDERED_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  private final Map<String, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();

  private Rendered render(Jwks jwks, long revision, long now) {
    byte[] body = json.write(jwks);
    return new Rendered(body, "\"" + Hex.encode(Hex.sha256(body)).substring(0, 32) + "\"", revision, now);
  }

  private Object namespaceJwks(Call c) {
    String namespace = Names.namespace(c.pathParam("namespace"));
    List<Map<String, Object>> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<Key> page = keys.list(namespace, after, KeyService.MAX_PAGE);
      for (Key k : page) {
        if (k.type().purpose() == KeyPurpose.SIGNING) {
          all.addAll(signing.jwks(k));
        }
      }
      if (page.size() < KeyService.MAX_PAGE) {
        break;
      }
      after = page.get(page.size() - 1).name();
    }
    return cached(c, new Jwks(all));
  }

  /** The JWKS with caching headers; 304 without a body when the caller already has this one. */
  private Object cached(Call c, Jwks jwks) {
    return conditional(c, render(jwks, 0, System.nanoTime()));
  }

  private static Object conditional(Call c, Rendered r) {
    c.responseHeader("Cache-Control", "public, max-age=" + JWKS_MAX_AGE_SECONDS);
    c.responseHeader("ETag", r.etag());
    String ifNoneMatch = c.header("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.equals(r.etag()) || ifNoneMatch.equals("*"))) {
      return new Reply(304, null);
    }
    return RawJson.serialized(r.body());
  }

  private static byte[] messageOrDigest(String message, String digest) {
    if ((message == null) == (digest == null)) {
      throw RekeyException.invalid("send exactly one of 'message' and 'digest'");
    }
    return message != null ? Call.base64("message", message) : Call.base64("digest", digest);
  }

  private static RekeyException noSigningKey(String namespace, String name) {
    return RekeyException.notFound("no signing key '" + name + "' in namespace '" + namespace + "'");
  }
}
