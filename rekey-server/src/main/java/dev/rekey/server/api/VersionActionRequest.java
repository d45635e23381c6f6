package dev.rekey.server.api;

import dev.rekey.api.ScheduleDestroyRequest;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.service.VersionAction;
import dev.rekey.server.http.Call;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST .../versions/{version}/{action}} of a key or a secret: the version, the action, the
 * waiting period of a scheduled destruction and {@code force}, as the request gave them, with the
 * audit record's details.
 */
record VersionActionRequest(int version, VersionAction action, Integer pendingDays, boolean force) {

  /** Reads the request; only schedule-destroy takes a body. */
  static VersionActionRequest of(Call c) {
    int version = c.intPathParam("version");
    VersionAction action = VersionAction.fromWire(c.pathParam("action"));
    c.auditVersion(version);
    c.auditDetails("{\"action\":\"" + action.wireName() + "\"}");
    Integer pendingDays = null;
    if (action == VersionAction.SCHEDULE_DESTROY) {
      ScheduleDestroyRequest req = c.optionalBody(ScheduleDestroyRequest.class);
      pendingDays = req == null ? null : req.pendingDays();
    } else {
      c.requireNoBody();
    }
    return new VersionActionRequest(version, action, pendingDays, c.boolQuery("force"));
  }

  /**
   * Runs {@code change}; a destruction goes through {@code approvals} as {@code operation} on
   * {@code kind}/{@code name} ({@code keys} or {@code secrets}).
   */
  <T> T run(Call c, ApprovalGate approvals, GuardedOperation operation, String kind, Supplier<T> change) {
    if (!action.destroys()) {
      return change.get();
    }
    return approvals.run(c, operation, kind + "/" + c.keyName() + "/versions/" + version,
        VersionSummary.of(action, version, pendingDays, force), change);
  }

  /** A forced override of consumers still on the version: the audit record names them. */
  void auditOverridden(Call c, List<String> consumers) {
    if (!consumers.isEmpty()) {
      c.auditDetails("{\"action\":\"" + action.wireName() + "\",\"forced\":true,\"consumers\":[\""
          + String.join("\",\"", consumers) + "\"]}");
    }
  }
}
