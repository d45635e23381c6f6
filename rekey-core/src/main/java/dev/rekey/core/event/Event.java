package dev.rekey.core.event;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One lifecycle change, as it is stored in the outbox and later delivered as a CloudEvent.
 * {@code subject} names the resource inside the namespace ({@code keys/orders/versions/3});
 * {@code tags} are the resource's tags at the time, so subscriptions can filter on them;
 * {@code data} holds only strings, numbers, booleans and nulls, never key material or secrets.
 */
public record Event(UUID id, EventType type, Instant time, String namespace, String subject,
    Map<String, String> tags, Map<String, Object> data) {

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(subject, "subject");
    tags = Collections.unmodifiableMap(new TreeMap<>(tags == null ? Map.of() : tags));
    Map<String, Object> copy = new LinkedHashMap<>();
    if (data != null) {
      data.forEach((k, v) -> {
        if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          throw new IllegalArgumentException("event data '" + k + "' must be a string, number or boolean");
        }
        copy.put(k, v);
      });
    }
    data = Collections.unmodifiableMap(copy);
  }

  public static Event of(EventType type, Instant time, String namespace, String subject,
      Map<String, String> tags, Map<String, Object> data) {
    return new Event(UUID.randomUUID(), type, time, namespace, subject, tags, data);
  }

  /** The CloudEvents {@code source} of events about a namespace. */
  public String source() {
    return "/rekey/namespaces/" + namespace;
  }
}
