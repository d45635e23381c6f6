package dev.rekey.core.event;

import dev.rekey.core.key.KeyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events for the versions of one versioned object (key or secret) between two stored states: a
 * "created" event for every new version and a "state changed" event for every version whose
 * state differs.
 */
final class VersionEvents {
  /** The object the versions belong to: its kind's event types, subject prefix, tags and base data. */
  record Owner(EventType created, EventType changed, String namespace, String subjectPrefix,
      Map<String, String> tags, Map<String, Object> data) {}

  private VersionEvents() {}

  static List<Event> between(Owner owner, List<KeyVersion> before, List<KeyVersion> after, Instant now) {
    List<Event> events = new ArrayList<>();
    for (KeyVersion v : after) {
      if (v.number() > before.size()) {
        Map<String, Object> data = data(owner, v);
        data.put("state", v.state().name());
        events.add(event(owner, owner.created(), v, data, now));
        continue;
      }
      KeyVersion old = before.get(v.number() - 1);
      if (old.state() != v.state()) {
        Map<String, Object> data = data(owner, v);
        data.put("previous_state", old.state().name());
        data.put("state", v.state().name());
        events.add(event(owner, owner.changed(), v, data, now));
      }
    }
    return events;
  }

  private static Event event(Owner owner, EventType type, KeyVersion v, Map<String, Object> data, Instant now) {
    return Event.of(type, now, owner.namespace(), owner.subjectPrefix() + "/versions/" + v.number(), owner.tags(), data);
  }

  private static Map<String, Object> data(Owner owner, KeyVersion v) {
    Map<String, Object> data = new LinkedHashMap<>(owner.data());
    data.put("version", v.number());
    return data;
  }
}
