package dev.rekey.core.service;

import dev.rekey.core.event.Event;
import dev.rekey.core.secret.Secret;
import java.util.List;

/**
 * A put worked out before its transaction: the secret as this node last saw it, the secret with
 * the new (already wrapped) version, and the events between them. {@link SecretService#commit} stores it in
 * the caller's transaction, so the work that needs no lock (validation, the guardrail, wrapping,
 * the new state and its events) stays off the single writer that commits it. Holds the value to
 * redo the put when the secret moved on meanwhile; the caller owns and clears it.
 */
public final class PreparedPut {
  final String namespace;
  final String name;
  final byte[] value;
  final SecretService.PutOptions options;
  final Secret current;
  final Secret updated;
  final List<Event> events;

  PreparedPut(String namespace, String name, byte[] value, SecretService.PutOptions options, Secret current,
      Secret updated, List<Event> events) {
    this.namespace = namespace;
    this.name = name;
    this.value = value;
    this.options = options;
    this.current = current;
    this.updated = updated;
    this.events = events;
  }

  /** The secret as it is once this put commits (unless it had to be redone on a newer copy). */
  public Secret updated() {
    return updated;
  }

  @Override
  public String toString() {
    return "PreparedPut[" + namespace + "/" + name + " v" + updated.latestVersion() + ", value redacted]";
  }
}
