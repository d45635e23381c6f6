package dev.rekey.api;

import java.util.List;

/**
 * Answer to init: the unseal shares (empty for file and pkcs11 seals) and the root token.
 * Shown exactly once; {@link #toString()} redacts both.
 */
public record InitResponse(List<String> shares, String rootToken) {
  @Override
  public String toString() {
    return "InitResponse[shares=" + (shares == null ? 0 : shares.size()) + " redacted, rootToken=redacted]";
  }
}
