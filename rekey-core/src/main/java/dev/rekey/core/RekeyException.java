package dev.rekey.core;

import dev.rekey.api.ErrorCode;

/**
 * The one exception type of the core. Its message is safe to show to the caller: it never
 * contains key material, plaintext or tokens. The server maps {@link #code()} to an HTTP status
 * in exactly one place.
 */
public class RekeyException extends RuntimeException {
  private final ErrorCode code;

  public RekeyException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public RekeyException(ErrorCode code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static RekeyException invalid(String message) {
    return new RekeyException(ErrorCode.INVALID_REQUEST, message);
  }

  public static RekeyException notFound(String message) {
    return new RekeyException(ErrorCode.NOT_FOUND, message);
  }

  public static RekeyException alreadyExists(String message) {
    return new RekeyException(ErrorCode.ALREADY_EXISTS, message);
  }

  public static RekeyException illegalState(String message) {
    return new RekeyException(ErrorCode.ILLEGAL_STATE, message);
  }

  public static RekeyException concurrentModification(String message) {
    return new RekeyException(ErrorCode.CONCURRENT_MODIFICATION, message);
  }

  public static RekeyException forbidden(String message) {
    return new RekeyException(ErrorCode.FORBIDDEN, message);
  }

  public static RekeyException unsupported(String message) {
    return new RekeyException(ErrorCode.UNSUPPORTED_OPERATION, message);
  }

  public static RekeyException sealed() {
    return new RekeyException(ErrorCode.SEALED, "Rekey is sealed; unseal it with 'rekey operator unseal'");
  }

  /** The one generic decryption failure: it says nothing about why. */
  public static RekeyException decryptionFailed() {
    return new RekeyException(ErrorCode.DECRYPTION_FAILED, "decryption failed");
  }
}
