package dev.rekey.server.api;

import dev.rekey.api.BindingView;
import dev.rekey.api.ConsumerView;
import dev.rekey.api.PropagationPolicyView;
import dev.rekey.api.RotationDriftReport;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wire views of consumers, bindings, policies and the drift report. */
final class ConsumerViews {
  private ConsumerViews() {}

  static ConsumerView consumer(Consumer c, String secret, List<Binding> bindings, List<Selector> selectors) {
    return new ConsumerView(c.namespace(), c.name(), c.kind(), c.tags(), c.owner(), c.principal(), c.hookUrl(), secret,
        bindings == null ? null : bindings.stream().map(ConsumerViews::binding).toList(),
        selectors == null ? null : selectors.stream().map(Selector::tags).toList(),
        Views.time(c.createdAt()), Views.time(c.updatedAt()));
  }

  static BindingView binding(Binding b) {
    return new BindingView(b.consumer(), b.key(), b.mode().wireName(), b.origin().wireName(), b.version(),
        Views.time(b.since()), b.targetVersion(), b.state().name(), Views.time(b.deadline()),
        Views.time(b.lastSeenAt()), b.hookState().name(), b.hookAttempts(), b.hookError(),
        b.subject().kind().wireName());
  }

  static PropagationPolicyView policy(PropagationPolicy p) {
    return new PropagationPolicyView(p.deadline().toString(), p.quietPeriod().toString(), p.verifyBeforePromote());
  }

  /** Groups rotation updates (newest first) by rotation, keeping the order. */
  static RotationDriftReport drift(List<RotationUpdate> updates) {
    Map<String, List<RotationUpdate>> byRotation = new LinkedHashMap<>();
    for (RotationUpdate u : updates) {
      byRotation.computeIfAbsent(u.subject() + "\0" + u.version(), k -> new ArrayList<>()).add(u);
    }
    List<RotationDriftReport.Rotation> rotations = new ArrayList<>();
    for (List<RotationUpdate> group : byRotation.values()) {
      RotationUpdate first = group.get(0);
      List<RotationDriftReport.Entry> moved = new ArrayList<>();
      List<RotationDriftReport.Entry> notMoved = new ArrayList<>();
      for (RotationUpdate u : group) {
        RotationDriftReport.Entry e = new RotationDriftReport.Entry(u.consumer(), Views.time(u.confirmedAt()),
            Views.time(u.staleAt()));
        (u.confirmedAt() != null ? moved : notMoved).add(e);
      }
      rotations.add(new RotationDriftReport.Rotation(first.key(), first.version(), Views.time(first.requestedAt()),
          Views.time(first.deadline()), moved, notMoved, first.subjectKind().wireName()));
    }
    return new RotationDriftReport(rotations);
  }
}
