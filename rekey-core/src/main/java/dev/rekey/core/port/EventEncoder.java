package dev.rekey.core.port;

import dev.rekey.core.event.Event;

/** Turns an event into the exact bytes a webhook receives (and whose signature it checks). */
public interface EventEncoder {
  /** The {@code Content-Type} of {@link #encode}'s output. */
  String contentType();

  byte[] encode(Event event);
}
