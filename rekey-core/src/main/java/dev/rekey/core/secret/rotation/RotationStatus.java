package dev.rekey.core.secret.rotation;

/** RUNNING until FINISH succeeds (SUCCEEDED) or the retries are exhausted (ABANDONED, CURRENT untouched). */
public enum RotationStatus {
  RUNNING, SUCCEEDED, ABANDONED
}
