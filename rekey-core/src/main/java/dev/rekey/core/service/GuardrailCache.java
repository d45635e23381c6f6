package dev.rekey.core.service;

import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.secret.SecretGuardrail;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces' secret guardrails in memory, so a put checks its namespace's rule without a
 * store read. An entry is reloaded after {@code ttl}, like the secret cache's (another node's
 * change is seen here within that time), and replaced at once when this node changes the rule.
 * A zero {@code ttl} caches nothing.
 */
final class GuardrailCache {
  /** Past this many namespaces, expired entries are dropped (the map holds what was used within a TTL). */
  static final int SWEEP_ABOVE = 4096;

  private final SecretRepository secrets;
  private final long ttlNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(SecretGuardrail guardrail, long loadedAt) {}

  GuardrailCache(SecretRepository secrets, Duration ttl) {
    this.secrets = secrets;
    this.ttlNanos = ttl.toNanos();
  }

  /** The namespace's rule, from memory when fresh, else from the store. */
  SecretGuardrail get(String namespace) {
    return fresh(namespace).orElseGet(() -> load(namespace));
  }

  /** The namespace's rule if this node holds it fresh (with the caches' margin); never touches the store. */
  Optional<SecretGuardrail> fresh(String namespace) {
    Entry e = entries.get(namespace);
    return e != null && System.nanoTime() - e.loadedAt < ttlNanos - CachedByName.freshMargin(ttlNanos)
        ? Optional.of(e.guardrail) : Optional.empty();
  }

  /** Reads the rule from the store (the answer to a caller who asks for it) and keeps it. */
  SecretGuardrail load(String namespace) {
    long at = System.nanoTime();
    SecretGuardrail g = secrets.guardrail(namespace).orElse(SecretGuardrail.none(namespace));
    remember(g, at);
    return g;
  }

  /** Keeps a rule this node just stored. */
  void stored(SecretGuardrail g) {
    remember(g, System.nanoTime());
  }

  private void remember(SecretGuardrail g, long readAt) {
    if (ttlNanos > 0) {
      // the newer read wins: a slow load that started before a change here must not undo it
      entries.merge(g.namespace(), new Entry(g, readAt), (old, candidate) ->
          candidate.loadedAt - old.loadedAt >= 0 ? candidate : old);
      if (entries.size() > SWEEP_ABOVE) {
        long now = System.nanoTime();
        entries.values().removeIf(e -> now - e.loadedAt >= ttlNanos);
      }
    }
  }

  int size() {
    return entries.size();
  }
}
