package dev.rekey.client;

/** The actions of {@code POST /v1/keys/{name}/versions/{v}/{action}}. */
public enum VersionAction {
  PROMOTE("promote"),
  RETIRE("retire"),
  DISABLE("disable"),
  ENABLE("enable"),
  REVOKE("revoke"),
  SCHEDULE_DESTROY("schedule-destroy"),
  CANCEL_DESTROY("cancel-destroy"),
  DESTROY("destroy");

  private final String wire;

  VersionAction(String wire) {
    this.wire = wire;
  }

  /** The path segment, e.g. {@code schedule-destroy}. */
  public String wire() {
    return wire;
  }

  /** The action for a path segment; throws IllegalArgumentException for an unknown one. */
  public static VersionAction fromWire(String wire) {
    for (VersionAction a : values()) {
      if (a.wire.equals(wire)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown version action '" + wire + "'");
  }
}
