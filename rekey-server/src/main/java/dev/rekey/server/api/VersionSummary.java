package dev.rekey.server.api;

import dev.rekey.core.service.VersionAction;

/** What a version action asks for, in words an approver reads: the action and its parameters. */
final class VersionSummary {
  private VersionSummary() {}

  static String of(VersionAction action, int version, Integer pendingDays, boolean force) {
    return action.wireName() + " of version " + version
        + (pendingDays == null ? "" : ", after " + pendingDays + " days")
        + (force ? ", forced past the consumers still using it" : "");
  }
}
