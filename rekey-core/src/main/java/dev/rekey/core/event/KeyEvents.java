package dev.rekey.core.event;

import dev.rekey.core.key.Key;
import java.time.Instant;
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
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", after.name());
    data.put("key_type", after.type().wireName());
    VersionEvents.Owner owner = new VersionEvents.Owner(EventType.KEY_NEW_VERSION_CREATED,
        EventType.KEY_VERSION_STATE_CHANGED, after.namespace(), "keys/" + after.name(), after.tags(), data);
    return VersionEvents.between(owner, before == null ? List.of() : before.versions(), after.versions(), now);
  }

  public static String subject(Key key, int version) {
    return "keys/" + key.name() + "/versions/" + version;
  }
}
