package dev.rekey.core.consumer;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The events of consumer propagation; tags are the consumer's, so subscriptions can filter on them. */
public final class ConsumerEvents {
  private ConsumerEvents() {}

  /** A binding went past its deadline without the consumer moving to the new version. */
  public static Event overdue(Binding b, Map<String, String> consumerTags, Instant now) {
    Map<String, Object> data = data(b);
    data.put("deadline", b.deadline() == null ? null : b.deadline().toString());
    return Event.of(EventType.CONSUMER_ROTATION_OVERDUE, now, b.namespace(), subject(b), consumerTags, data);
  }

  /** A pending or overdue binding reached the new version; {@code wasOverdue} says it had been STALE. */
  public static Event completed(Binding b, boolean wasOverdue, Map<String, String> consumerTags, Instant now) {
    Map<String, Object> data = data(b);
    data.put("was_overdue", wasOverdue);
    return Event.of(EventType.CONSUMER_ROTATION_COMPLETED, now, b.namespace(), subject(b), consumerTags, data);
  }

  private static Map<String, Object> data(Binding b) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("consumer", b.consumer());
    if (b.subject().kind() == BindingSubject.Kind.SECRET) {
      data.put("secret", b.key());
      data.put("subject_kind", "secret");
    } else {
      data.put("key", b.key());
    }
    data.put("version_in_use", b.version());
    data.put("expected_version", b.targetVersion());
    return data;
  }

  static String subject(Binding b) {
    return "consumers/" + b.consumer() + (b.subject().kind() == BindingSubject.Kind.SECRET ? "/secret-bindings/"
        : "/bindings/") + b.key();
  }
}
