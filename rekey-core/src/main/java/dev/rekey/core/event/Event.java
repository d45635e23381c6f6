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
    return new Event(timeOrderedId(time), type, time, namespace, subject, tags, data);
  }

  /**
   * A version 7 UUID (RFC 9562): the event time's milliseconds in the top 48 bits, then 74 random
   * bits from {@link UUID#randomUUID()} (a SecureRandom). Ids of later events sort after earlier
   * ones, so the outbox's unique index on the id grows at its end instead of taking a write to a
   * random page for every event.
   */
  static UUID timeOrderedId(Instant time) {
    UUID random = UUID.randomUUID();
    long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long msb = (millis << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
    return new UUID(msb, random.getLeastSignificantBits()); // the random UUID's variant bits stay
  }

  /** The CloudEvents {@code source} of events about a namespace. */
  public String source() {
    return "/rekey/namespaces/" + namespace;
  }
}
