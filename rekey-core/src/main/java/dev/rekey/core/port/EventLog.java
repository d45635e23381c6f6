package dev.rekey.core.port;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The read side of the {@link EventOutbox}: events with their position, for fan-out and inspection. */
public interface EventLog {
  /** An event with its position in the outbox. */
  interface Entry {
    long seq();

    Event event();
  }

  /** The oldest events not yet dispatched, in outbox order. */
  List<? extends Entry> undispatched(int limit);

  /**
   * Marks events as dispatched unless another node already did; returns the positions this call
   * marked. {@code seqs} are positions {@link #undispatched} returned, in its order (a store may
   * keep "dispatched" as the last position marked). Joins the caller's transaction, so fan-out
   * rows commit together with the mark.
   */
  List<Long> markDispatched(List<Long> seqs, Instant at);

  Optional<? extends Entry> find(long seq);

  /** Newest first, before {@code beforeSeq} (null for the newest), optionally of one type only. */
  List<? extends Entry> recent(Long beforeSeq, EventType type, int limit);
}
