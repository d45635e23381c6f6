package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;

/** Asserts that an operation fails with exactly the one generic decryption failure. */
final class DecryptionFailures {
  private DecryptionFailures() {}

  /** True when {@code call} threw the generic DECRYPTION_FAILED; fails the test on anything else. */
  static boolean of(Runnable call) {
    Throwable t = catchThrowable(call::run);
    assertThat(t).as("expected the generic decryption failure").isInstanceOf(RekeyException.class);
    RekeyException e = (RekeyException) t;
    assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
    assertThat(e.getMessage()).isEqualTo(RekeyException.decryptionFailed().getMessage());
    assertThat(e.getCause()).isNull();
    return true;
  }
}
