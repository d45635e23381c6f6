package dev.rekey.server.http;

import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.key.Names;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * One API call as a handler sees it: path and query parameters, the parsed body, the caller, and
 * what it concerned (key version) for the audit record. Handlers read from it and return a body.
 */
public final class Call {
  private final Exchange ctx;
  private final Json json;
  private final String namespace;
  private final Principal principal;
  private int version;
  private String details;
  private String key;
  private String approval;
  private byte[] bodyBytes;
  private final BiFunction<Call, Throwable, AuditEvent> auditRecords;
  private final Blocking blocking;

  /** Runs work that may wait (the store) off the event loop. */
  @FunctionalInterface
  interface Blocking {
    <T> CompletionStage<T> run(Callable<T> work);
  }

  Call(Exchange ctx, Json json, String namespace, Principal principal,
      BiFunction<Call, Throwable, AuditEvent> auditRecords, Blocking blocking) {
    this.ctx = ctx;
    this.json = json;
    this.namespace = namespace;
    this.principal = principal;
    this.auditRecords = auditRecords;
    this.blocking = blocking;
  }

  /**
   * Runs {@code work} on a worker thread, for a handler on the event loop that finds it needs
   * the store after all; the handler returns the stage (or one composed from it) as its answer.
   */
  public <T> CompletionStage<T> onWorker(Callable<T> work) {
    return blocking.run(work);
  }

  public String namespace() {
    return namespace;
  }

  /** The caller; null only on public endpoints. */
  public Principal principal() {
    return principal;
  }

  public String keyName() {
    return Names.keyName(ctx.pathParam("name"));
  }

  public String pathParam(String name) {
    return ctx.pathParam(name);
  }

  public int intPathParam(String name) {
    String raw = ctx.pathParam(name);
    try {
      int v = Integer.parseInt(raw);
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw RekeyException.invalid(name + " must be a positive integer");
    }
  }

  /** A request header, or null. */
  public String header(String name) {
    return ctx.request().getHeader(name);
  }

  /** Sets a header on the successful answer (caching headers, say). */
  public void responseHeader(String name, String value) {
    ctx.response().putHeader(name, value);
  }

  /** A query parameter; a query string that is not valid percent-encoding is a 400, not a 500. */
  public String query(String name) {
    try {
      return ctx.request().getParam(name);
    } catch (IllegalArgumentException malformed) {
      throw RekeyException.invalid("the query string is not valid percent-encoding");
    }
  }

  /** A boolean query parameter: absent is false, otherwise exactly {@code true} or {@code false}; else 400. */
  public boolean boolQuery(String name) {
    String raw = query(name);
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw RekeyException.invalid("query parameter '" + name + "' must be true or false");
  }

  public int intQuery(String name, int defaultValue, int min, int max) {
    String raw = query(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw RekeyException.invalid("query parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
  }

  /** A long query parameter from {@code min} to {@code max}, or {@code defaultValue} when absent; else 400. */
  public long longQuery(String name, long defaultValue, long min, long max) {
    String raw = query(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      long v = Long.parseLong(raw);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw RekeyException.invalid("query parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
  }

  public <T> T body(Class<T> type) {
    return json.read(bodyBytes(), type);
  }

  /**
   * The body's fields when it is the plain flat object {@code fields} describes, else null: then
   * read it with {@link #body}, which accepts or refuses it with the usual errors.
   */
  public FlatFields.Values flatBody(FlatFields fields) {
    return fields.read(bodyBytes());
  }

  private byte[] bodyBytes() {
    if (bodyBytes == null) {
      bodyBytes = ctx.bodyBytes();
    }
    return bodyBytes;
  }

  /** The body, or null when the request has none. */
  public <T> T optionalBody(Class<T> type) {
    if (bodyBytes() == null) {
      return null;
    }
    return body(type);
  }

  /**
   * For an endpoint that takes nothing in its body: none, or the empty object {@code {}}. Anything
   * else is 400 invalid_request naming what is wrong (an unknown field, malformed JSON, not an
   * object), as an endpoint with a body refuses a field it does not know. Call it before the
   * endpoint changes anything: a refused request leaves no trace but its audit record.
   */
  public void requireNoBody() {
    if (bodyBytes() == null) {
      return;
    }
    try {
      json.read(bodyBytes(), NoFields.class);
    } catch (RekeyException e) {
      throw RekeyException.invalid("this request takes no body (send none, or {}): " + e.getMessage());
    }
  }

  /** The body of an endpoint without parameters: the empty object. */
  private record NoFields() {}

  /** Decodes a base64 field; null stays null. */
  public static byte[] base64(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("field '" + field + "' is not valid base64");
    }
  }

  public static byte[] requiredBase64(String field, String value) {
    if (value == null) {
      throw RekeyException.invalid("field '" + field + "' is required");
    }
    return base64(field, value);
  }

  public static String encode(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Records the key version concerned, for the audit trail. */
  public void auditVersion(int v) {
    this.version = v;
  }

  /** The key concerned when it is not in the path (key creation names it in the body). */
  public void auditKey(String name) {
    this.key = name;
  }

  /** Non-sensitive facts for the audit trail (for example a batch size). */
  public void auditDetails(String d) {
    this.details = d;
  }

  /**
   * This request's audit record as it stands now, allowed ({@code failure} null) or refused with
   * {@code failure}: for a write that commits its own record ({@code AuditLog.submitWrite}), whose
   * answer (an {@code Audited}) the router then sends without auditing again.
   */
  public AuditEvent auditRecord(Throwable failure) {
    return auditRecords.apply(this, failure);
  }

  /** The approval this request used (two-person approval), for the audit record's details. */
  public void auditApproval(String approvalId) {
    this.approval = approvalId;
  }

  /**
   * What identifies this request for an approval: SHA-256 (hex) of the method, the path, the
   * query parameters (sorted) and the body's bytes, each length-prefixed ({@link RequestFingerprint}).
   * Only this hash is stored, never the body.
   */
  public String fingerprint() {
    java.util.List<java.util.Map.Entry<String, String>> params = new java.util.ArrayList<>();
    try {
      ctx.request().params().forEach((name, value) -> params.add(java.util.Map.entry(name, value)));
    } catch (IllegalArgumentException malformed) {
      throw RekeyException.invalid("the query string is not valid percent-encoding");
    }
    return RequestFingerprint.of(ctx.request().method().name(), ctx.request().path(), params, bodyBytes());
  }

  int auditedVersion() {
    return version;
  }

  String auditedKey() {
    return key;
  }

  String auditedDetails() {
    if (approval == null) {
      return details;
    }
    String used = "\"approval\":\"" + approval + "\"";
    return details == null || details.length() <= 2 ? "{" + used + "}"
        : details.substring(0, details.length() - 1) + "," + used + "}";
  }
}
