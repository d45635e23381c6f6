package dev.rekey.core.service;

import dev.rekey.core.RekeyException;

/** Lifecycle actions on a single key version, by their wire names. */
public enum VersionAction {
  PROMOTE("promote"), RETIRE("retire"), DISABLE("disable"), ENABLE("enable"), REVOKE("revoke"),
  SCHEDULE_DESTROY("schedule-destroy"), CANCEL_DESTROY("cancel-destroy"), DESTROY("destroy");

  private final String wireName;

  VersionAction(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Schedules or carries out the destruction of the version (two-person approval may guard it). */
  public boolean destroys() {
    return this == SCHEDULE_DESTROY || this == DESTROY;
  }

  public static VersionAction fromWire(String name) {
    for (VersionAction a : values()) {
      if (a.wireName.equals(name)) {
        return a;
      }
    }
    throw RekeyException.invalid("unknown version action '" + name + "'; actions: promote, retire, disable,"
        + " enable, revoke, schedule-destroy, cancel-destroy, destroy");
  }
}
