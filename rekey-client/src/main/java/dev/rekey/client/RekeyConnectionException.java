package dev.rekey.client;

import dev.rekey.api.ErrorCode;

/**
 * No answer from the server: connection refused, reset, or timed out. {@link #wireCode()} is
 * {@code connection_failed} or {@code timeout}; {@link #code()} is {@link ErrorCode#INTERNAL};
 * {@link #status()} is 0. Whether the request reached the server is unknown.
 */
public final class RekeyConnectionException extends RekeyClientException {
  public static final String CONNECTION_FAILED = "connection_failed";
  public static final String TIMEOUT = "timeout";

  RekeyConnectionException(String wireCode, String message, Throwable cause) {
    super(ErrorCode.INTERNAL, wireCode, 0, message, null, cause);
  }
}
