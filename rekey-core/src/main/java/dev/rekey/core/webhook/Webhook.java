package dev.rekey.core.webhook;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A webhook subscription: where to deliver which events. The filter is the conjunction of its
 * parts; an empty part matches everything: {@code eventTypes} (any of them), {@code namespace}
 * (exactly that one; null for all) and {@code tags} (every pair must be among the event's tags).
 * {@code secret} is the signing secret wrapped under the root keyring (bound with
 * {@link dev.rekey.core.root.MaterialBinding#webhookSecret}); it is never shown after creation.
 */
public record Webhook(String id, String url, Set<EventType> eventTypes, String namespace,
    Map<String, String> tags, boolean enabled, WrappedKey secret, Instant createdAt, Instant updatedAt) {

  public Webhook {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    eventTypes = eventTypes == null || eventTypes.isEmpty() ? Set.of()
        : Collections.unmodifiableSet(EnumSet.copyOf(eventTypes));
    tags = Collections.unmodifiableMap(new TreeMap<>(tags == null ? Map.of() : tags));
  }

  /** Does this subscription want {@code event}? Disabled subscriptions want nothing. */
  public boolean matches(Event event) {
    if (!enabled) {
      return false;
    }
    if (!eventTypes.isEmpty() && !eventTypes.contains(event.type())) {
      return false;
    }
    if (namespace != null && !namespace.equals(event.namespace())) {
      return false;
    }
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (!t.getValue().equals(event.tags().get(t.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public Webhook withEnabled(boolean on, Instant now) {
    return new Webhook(id, url, eventTypes, namespace, tags, on, secret, createdAt, now);
  }

  public Webhook withSecret(WrappedKey wrapped, Instant now) {
    return new Webhook(id, url, eventTypes, namespace, tags, enabled, wrapped, createdAt, now);
  }
}
