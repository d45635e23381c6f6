package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/events}: newest first; {@code nextBefore} is the cursor for the next page, null at the end. */
public record EventList(List<EventView> events, Long nextBefore) {}
