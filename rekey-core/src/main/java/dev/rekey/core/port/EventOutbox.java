package dev.rekey.core.port;

import dev.rekey.core.event.Event;
import java.util.List;

/**
 * The transactional outbox: events are stored in the transaction of the change they describe
 * (join {@link Transactions}), so no change lacks its event and no event describes a change that
 * was rolled back. Delivery reads them afterwards.
 */
public interface EventOutbox {
  void append(List<Event> events);

  /** An outbox that keeps nothing, for code paths and tests that publish no events. */
  EventOutbox NONE = events -> {};
}
