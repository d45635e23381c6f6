package dev.rekey.api;

import java.util.List;

/**
 * {@code GET /v1/reports/rotation-drift}: per rotation (a key's new primary, or a secret's new CURRENT
 * version: {@code subjectKind} secret, the secret's name in {@code key}), the consumers that moved to
 * it (with when) and those that did not (pending, or stale past the deadline).
 */
public record RotationDriftReport(List<Rotation> rotations) {
  /** One rotation and its consumers. */
  public record Rotation(String key, int version, String requestedAt, String deadline, List<Entry> moved,
      List<Entry> notMoved, String subjectKind) {

    /** A key's rotation. */
    public Rotation(String key, int version, String requestedAt, String deadline, List<Entry> moved,
        List<Entry> notMoved) {
      this(key, version, requestedAt, deadline, moved, notMoved, "key");
    }
  }

  /** One consumer's part: {@code confirmedAt} when it moved, {@code staleAt} when it went overdue. */
  public record Entry(String consumer, String confirmedAt, String staleAt) {}
}
