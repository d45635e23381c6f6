package dev.rekey.core.event;

import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The events that describe the change from one stored state of a key to the next. */
public final class KeyEvents {
  private KeyEvents() {}

  /** Events for a key that was just created: its first version. */
  public static List<Event> created(Key key, Instant now) {
    return between(null, key, now);
  }

  /**
   * A {@code KeyNewVersionCreated} for every version {@code after} has and {@code before} had not,
   * and a {@code KeyVersionStateChanged} for every version whose state differs.
   */
  public static List<Event> between(Key before, Key after, Instant now) {
    List<Event> events = new ArrayList<>();
    int known = before == null ? 0 : before.latestVersion();
    for (KeyVersion v : after.versions()) {
      if (v.number() > known) {
        Map<String, Object> data = base(after, v);
        data.put("state", v.state().name());
        events.add(Event.of(EventType.KEY_NEW_VERSION_CREATED, now, after.namespace(), subject(after, v.number()),
            after.tags(), data));
        continue;
      }
      KeyVersion old = before.versions().get(v.number() - 1);
      if (old.state() != v.state()) {
        Map<String, Object> data = base(after, v);
        data.put("previous_state", old.state().name());
        data.put("state", v.state().name());
        events.add(Event.of(EventType.KEY_VERSION_STATE_CHANGED, now, after.namespace(), subject(after, v.number()),
            after.tags(), data));
      }
    }
    return events;
  }

  public static String subject(Key key, int version) {
    return "keys/" + key.name() + "/versions/" + version;
  }

  private static Map<String, Object> base(Key key, KeyVersion v) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", key.name());
    data.put("key_type", key.type().wireName());
    data.put("version", v.number());
    return data;
  }
}
