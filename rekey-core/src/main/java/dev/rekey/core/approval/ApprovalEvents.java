package dev.rekey.core.approval;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The events of approval requests: subject {@code approvals/<id>}; no request body, ever. */
final class ApprovalEvents {
  private ApprovalEvents() {}

  static Event requested(Approval a) {
    return Event.of(EventType.APPROVAL_REQUESTED, a.createdAt(), a.namespace(), subject(a), Map.of(), data(a));
  }

  static Event changed(Approval previous, Approval next) {
    Map<String, Object> data = data(next);
    data.put("previous_state", previous.state().wireName());
    return Event.of(EventType.APPROVAL_STATE_CHANGED, next.updatedAt(), next.namespace(), subject(next), Map.of(),
        data);
  }

  private static String subject(Approval a) {
    return "approvals/" + a.id();
  }

  private static Map<String, Object> data(Approval a) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("approval", a.id());
    data.put("operation", a.operation().wireName());
    data.put("target", a.target());
    data.put("summary", a.summary());
    data.put("requester", a.requester());
    data.put("state", a.state().wireName());
    data.put("required_approvals", a.requiredApprovals());
    data.put("approvers", String.join(",", a.approvers()));
    data.put("expires_at", a.expiresAt().toString());
    if (a.decidedBy() != null) {
      data.put("decided_by", a.decidedBy());
    }
    return data;
  }
}
