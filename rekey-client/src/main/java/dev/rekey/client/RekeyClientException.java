package dev.rekey.client;

import dev.rekey.api.ApprovalView;
import dev.rekey.api.ErrorCode;

/**
 * The server refused a request, or the SDK could not complete one. {@link #code()} is the
 * server's error code ({@link ErrorCode#fromWire}), {@link #wireCode()} the code string as sent
 * (also for codes this SDK does not know yet), {@link #status()} the HTTP status (0 when no HTTP
 * answer was involved). Messages never contain tokens, plaintext or key material.
 */
public class RekeyClientException extends RuntimeException {
  private final ErrorCode code;
  private final String wireCode;
  private final int status;
  private final String requestId;
  private final transient ApprovalView approval;

  public RekeyClientException(ErrorCode code, String wireCode, int status, String message, String requestId) {
    this(code, wireCode, status, message, requestId, null);
  }

  protected RekeyClientException(
      ErrorCode code, String wireCode, int status, String message, String requestId, Throwable cause) {
    this(code, wireCode, status, message, requestId, cause, null);
  }

  RekeyClientException(ErrorCode code, String wireCode, int status, String message, String requestId,
      Throwable cause, ApprovalView approval) {
    super(message, cause);
    this.approval = approval;
    this.code = code;
    this.wireCode = wireCode;
    this.status = status;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  public String wireCode() {
    return wireCode;
  }

  public int status() {
    return status;
  }

  /** The server's {@code X-Request-Id} for this failure, null if none; quote it when reporting. */
  public String requestId() {
    return requestId;
  }

  /**
   * With {@link ErrorCode#APPROVAL_REQUIRED}: the approval request the server made (or found
   * waiting) for the refused request; once others approved it, send the same request again
   * through {@link RekeyClient#withApproval}. Null otherwise.
   */
  public ApprovalView approval() {
    return approval;
  }

  /** A local failure with a wire code (no HTTP status), e.g. envelope decryption. */
  static RekeyClientException local(ErrorCode code, String message) {
    return new RekeyClientException(code, code.wire(), 0, message, null);
  }
}
