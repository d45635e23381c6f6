package dev.rekey.core.secret.rotation;

/**
 * The four persisted steps every secret rotation follows, each idempotent and resumable: CREATE
 * the new value as PENDING, SET it in the target system, TEST that it works there, FINISH by
 * moving CURRENT to it (the old current becomes PREVIOUS). CURRENT changes only in FINISH.
 */
public enum RotationStep {
  CREATE, SET, TEST, FINISH;

  public RotationStep next() {
    return this == FINISH ? null : values()[ordinal() + 1];
  }
}
