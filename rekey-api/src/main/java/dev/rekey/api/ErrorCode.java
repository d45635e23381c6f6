package dev.rekey.api;

/**
 * Stable error codes of the wire contract: {@code {"error":{"code":"...","message":"..."}}}.
 * The server maps each to one HTTP status; the SDK maps each back to one exception type.
 * Codes never change meaning once released.
 */
public enum ErrorCode {
  INVALID_REQUEST("invalid_request"),
  UNAUTHENTICATED("unauthenticated"),
  FORBIDDEN("forbidden"),
  NOT_FOUND("not_found"),
  ALREADY_EXISTS("already_exists"),
  /** The operation is not allowed in the object's current state (an illegal lifecycle transition). */
  ILLEGAL_STATE("illegal_state"),
  /** Somebody else changed the object first; retry with fresh data. */
  CONCURRENT_MODIFICATION("concurrent_modification"),
  /** Ciphertext is tampered, truncated, foreign or under a version that may not decrypt. Always generic. */
  DECRYPTION_FAILED("decryption_failed"),
  /** The key's type does not support the operation (for example encrypt with an HMAC key). */
  UNSUPPORTED_OPERATION("unsupported_operation"),
  PAYLOAD_TOO_LARGE("payload_too_large"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  SEALED("sealed"),
  NOT_INITIALIZED("not_initialized"),
  ALREADY_INITIALIZED("already_initialized"),
  /** The audit record could not be made durable, so the request was refused (fail-closed). */
  AUDIT_UNAVAILABLE("audit_unavailable"),
  /** A key version still used by consumers cannot be retired, disabled or destroyed without force. */
  VERSION_IN_USE("version_in_use"),
  /** This node refuses more work of this kind for now (answered with {@code Retry-After}); retry later. */
  TOO_MANY_REQUESTS("too_many_requests"),
  /**
   * The operation needs two-person approval: the answer names the approval request it made; send
   * the same request again with that approval once other principals approved it.
   */
  APPROVAL_REQUIRED("approval_required"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static ErrorCode fromWire(String wire) {
    for (ErrorCode c : values()) {
      if (c.wire.equals(wire)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
