package dev.rekey.api;

/**
 * The v1 paths of docs/api.md. Path parameters (key names, token ids) must already be safe path
 * segments; {@link #segment(String)} percent-encodes anything else.
 */
public final class ApiPaths {
  public static final String HEALTH = "/v1/health";
  public static final String OPENAPI = "/v1/openapi.json";
  public static final String SEAL_STATUS = "/v1/sys/seal-status";
  public static final String INIT = "/v1/sys/init";
  public static final String UNSEAL = "/v1/sys/unseal";
  public static final String SEAL = "/v1/sys/seal";
  public static final String ROTATE_ROOT = "/v1/sys/rotate-root";
  public static final String TOKENS = "/v1/auth/tokens";
  public static final String TOKEN_SELF = "/v1/auth/tokens/self";
  public static final String KEYS = "/v1/keys";
  /** Unauthenticated JSON Web Key Sets: {@code /v1/jwks/{namespace}[/{name}]}. */
  public static final String JWKS = "/v1/jwks";
  public static final String AUDIT_VERIFY = "/v1/audit/verify";
  public static final String AUDIT_RECORDS = "/v1/audit/records";
  public static final String WEBHOOKS = "/v1/webhooks";
  public static final String EVENTS = "/v1/events";
  public static final String REWRAP_CAMPAIGNS = "/v1/rewrap-campaigns";

  public static final String HEADER_TOKEN = "X-Rekey-Token";
  public static final String HEADER_NAMESPACE = "X-Rekey-Namespace";
  public static final String HEADER_REQUEST_ID = "X-Request-Id";
  /** The approval a request for a guarded operation runs with (two-person approval). */
  public static final String HEADER_APPROVAL = "X-Rekey-Approval";
  public static final String DEFAULT_NAMESPACE = "default";
  /** Most items one batch request may carry. */
  public static final int MAX_BATCH_ITEMS = 1000;

  private ApiPaths() {}

  /** {@code /v1/keys/{name}}. */
  public static String key(String name) {
    return KEYS + "/" + segment(name);
  }

  /** {@code /v1/keys/{name}/{operation}}, e.g. operation {@code encrypt} or {@code mac/verify}. */
  public static String keyOperation(String name, String operation) {
    return key(name) + "/" + operation;
  }

  /** {@code /v1/keys/{name}/versions/{version}/{action}}. */
  public static String versionAction(String name, int version, String action) {
    return key(name) + "/versions/" + version + "/" + segment(action);
  }

  /** {@code /v1/keys/{name}/public-key}, with {@code ?version=N} when {@code version} is not null. */
  public static String publicKey(String name, Integer version) {
    return keyOperation(name, "public-key") + (version == null ? "" : "?version=" + version);
  }

  /** {@code /v1/jwks/{namespace}}: every signing key of the namespace. */
  public static String jwks(String namespace) {
    return JWKS + "/" + segment(namespace);
  }

  /** {@code /v1/jwks/{namespace}/{name}}: one signing key. */
  public static String jwks(String namespace, String name) {
    return jwks(namespace) + "/" + segment(name);
  }

  /** {@code /v1/auth/tokens/{id}}. */
  public static String token(String id) {
    return TOKENS + "/" + segment(id);
  }

  /** {@code /v1/webhooks/{id}}. */
  public static String webhook(String id) {
    return WEBHOOKS + "/" + segment(id);
  }

  /** {@code /v1/webhooks/{id}/{action}}: rotate-secret, enable, disable, deliveries. */
  public static String webhookAction(String id, String action) {
    return webhook(id) + "/" + action;
  }

  /** {@code /v1/webhooks/{id}/deliveries/{delivery}/redeliver}. */
  public static String redeliver(String webhookId, String deliveryId) {
    return webhookAction(webhookId, "deliveries") + "/" + segment(deliveryId) + "/redeliver";
  }

  /** {@code /v1/keys/{name}/deks}: the tenant data keys under a key. */
  public static String deks(String name) {
    return key(name) + "/deks";
  }

  /** {@code /v1/keys/{name}/deks/{tenant}}. */
  public static String dek(String name, String tenant) {
    return deks(name) + "/" + segment(tenant);
  }

  /** {@code /v1/rewrap-campaigns/{id}}. */
  public static String campaign(long id) {
    return REWRAP_CAMPAIGNS + "/" + id;
  }

  /** Percent-encodes every byte outside the RFC 3986 unreserved set. */
  /** {@code /v1/secrets/{name}}. */
  public static String secret(String name) {
    return "/v1/secrets/" + segment(name);
  }

  /** {@code /v1/secrets/{name}} with {@code ?label=} or {@code ?version=} when given. */
  public static String secretValue(String name, String label, Integer version) {
    String path = secret(name);
    if (label != null) {
      return path + "?label=" + java.net.URLEncoder.encode(label, java.nio.charset.StandardCharsets.UTF_8);
    }
    return version == null ? path : path + "?version=" + version;
  }

  /** {@code /v1/secrets?after=&limit=}. */
  public static String secrets(String after, Integer limit) {
    StringBuilder b = new StringBuilder("/v1/secrets");
    char sep = '?';
    if (after != null) {
      b.append(sep).append("after=").append(java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8));
      sep = '&';
    }
    if (limit != null) {
      b.append(sep).append("limit=").append(limit);
    }
    return b.toString();
  }

  public static String segment(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
