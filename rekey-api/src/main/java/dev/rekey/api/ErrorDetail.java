package dev.rekey.api;

/**
 * One error: a stable {@link ErrorCode} wire string and a message safe to show to the caller;
 * {@code approval} only with {@code approval_required}: the approval request the refusal made (or
 * found waiting) for this very request.
 */
public record ErrorDetail(String code, String message, ApprovalView approval) {
  public ErrorDetail(String code, String message) {
    this(code, message, null);
  }
}
