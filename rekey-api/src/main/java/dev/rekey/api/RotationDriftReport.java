package dev.rekey.api;

import java.util.List;

/**
 * {@code GET /v1/reports/rotation-drift}: per rotation (a key's new primary), the consumers that moved to
 * it (with when) and those that did not (pending, or stale past the deadline).
 */
public record RotationDriftReport(List<Rotation> rotations) {
  /** One rotation and its consumers. */
  public record Rotation(String key, int version, String requestedAt, String deadline, List<Entry> moved,
      List<Entry> notMoved) {}

  /** One consumer's part: {@code confirmedAt} when it moved, {@code staleAt} when it went overdue. */
  public record Entry(String consumer, String confirmedAt, String staleAt) {}
}
