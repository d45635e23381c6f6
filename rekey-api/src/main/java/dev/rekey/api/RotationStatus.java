package dev.rekey.api;

import java.util.List;

/**
 * The scheduler's view at {@code now}: rotations due, overdue (due for longer than the grace
 * period), keys whose last attempt failed, and the calendar of rotations in the next 30 days.
 */
public record RotationStatus(String now, List<Entry> due, List<Entry> overdue, List<Entry> failed,
    List<Entry> calendar) {
  /** One key's schedule; {@code nextRotation} is null for ad hoc keys. */
  public record Entry(String namespace, String key, String nextRotation, int failures, String lastError,
      String lastRun) {}
}
