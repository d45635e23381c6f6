package dev.rekey.core.testing;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventOutbox;
import java.util.ArrayList;
import java.util.List;

/** An outbox that keeps events in memory, in order, for tests. */
public final class InMemoryEventOutbox implements EventOutbox {
  private final List<Event> events = new ArrayList<>();

  @Override
  public synchronized void append(List<Event> batch) {
    events.addAll(batch);
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  public synchronized List<Event> ofType(EventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  public synchronized void clear() {
    events.clear();
  }
}
