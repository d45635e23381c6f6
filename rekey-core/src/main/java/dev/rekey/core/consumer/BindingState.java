package dev.rekey.core.consumer;

/**
 * Where a consumer stands with the key's current version. A rotation moves every binding not yet
 * on the new version to PENDING_UPDATE with a deadline; a confirmation or an observed use of the
 * new version makes it CURRENT; past the deadline it is STALE until it catches up.
 */
public enum BindingState {
  CURRENT, PENDING_UPDATE, STALE
}
