package dev.rekey.core.key;

import dev.rekey.core.RekeyException;

/** Builds the error for a lifecycle transition that is not allowed. */
final class IllegalTransition {
  private IllegalTransition() {}

  static RekeyException of(int version, VersionState from, VersionState to) {
    return RekeyException.illegalState("version " + version + " cannot move from " + from.wireName()
        + " to " + to.wireName() + (from.allowedNext().isEmpty() ? " (it is final)" : "; allowed from "
        + from.wireName() + ": " + from.allowedNext().stream().map(VersionState::wireName).toList()));
  }
}
