package dev.rekey.core.event;

import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;

/** The events that describe the change from one stored state of a secret to the next. Never the value. */
public final class SecretEvents {
  private SecretEvents() {}

  /**
   * A {@code SecretNewVersionCreated} for every new version and a {@code SecretVersionStateChanged}
   * for every version whose state (and so staging label) changed. {@code before} null: a new secret.
   */
  public static List<Event> between(Secret before, Secret after, Instant now) {
    VersionEvents.Owner owner = new VersionEvents.Owner(EventType.SECRET_NEW_VERSION_CREATED,
        EventType.SECRET_VERSION_STATE_CHANGED, after.namespace(), "secrets/" + after.name(), after.tags(),
        Map.of("secret", after.name()));
    return VersionEvents.between(owner, before == null ? List.of() : lifecycles(before), lifecycles(after), now);
  }

  /** The versions' lifecycles as a view (no copy: a history can be hundreds of versions long). */
  private static List<KeyVersion> lifecycles(Secret s) {
    List<SecretVersion> versions = s.versions();
    return new AbstractList<>() {
      @Override
      public KeyVersion get(int index) {
        return versions.get(index).lifecycle();
      }

      @Override
      public int size() {
        return versions.size();
      }
    };
  }
}
