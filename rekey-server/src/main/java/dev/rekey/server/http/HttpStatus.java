package dev.rekey.server.http;

import dev.rekey.api.ErrorCode;

/** The one place where error codes become HTTP statuses. */
public final class HttpStatus {
  private HttpStatus() {}

  public static int of(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST, DECRYPTION_FAILED, UNSUPPORTED_OPERATION -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN, APPROVAL_REQUIRED -> 403;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case ALREADY_EXISTS, ILLEGAL_STATE, CONCURRENT_MODIFICATION, ALREADY_INITIALIZED -> 409;
      case VERSION_IN_USE -> 409;
      case PAYLOAD_TOO_LARGE -> 413;
      case TOO_MANY_REQUESTS -> 429;
      case SEALED, NOT_INITIALIZED, AUDIT_UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }
}
