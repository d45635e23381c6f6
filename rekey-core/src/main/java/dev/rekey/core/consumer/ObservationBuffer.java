package dev.rekey.core.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects observed version uses of keys and secrets between flushes, in memory, with no database write. Per
 * namespace, principal and key or secret only the highest version is kept (with when it was first seen in
 * this window), so the size is bounded by the distinct (principal, subject) pairs in use, not by the
 * request rate; a request that repeats what is already pending costs one map read, no write.
 */
public final class ObservationBuffer {
  private record Seen(String namespace, String principal, BindingSubject subject) {}

  private final ConcurrentHashMap<Seen, ConsumerPropagation.Observation> pending = new ConcurrentHashMap<>();

  /** A use of a key version. */
  public void offer(String namespace, String principal, String key, int version, Instant at) {
    if (key != null) {
      offer(namespace, principal, BindingSubject.key(key), version, at);
    }
  }

  /** A use of a version of a key or secret. */
  public void offer(String namespace, String principal, BindingSubject subject, int version, Instant at) {
    if (namespace == null || principal == null || subject == null || version < 1) {
      return;
    }
    Seen key = new Seen(namespace, principal, subject);
    ConsumerPropagation.Observation seen = pending.get(key);
    if (seen != null && seen.version() >= version) {
      return;
    }
    pending.merge(key, new ConsumerPropagation.Observation(namespace, principal, subject, version, at),
        (a, b) -> b.version() > a.version() ? b : a);
  }

  /** Takes everything collected so far. */
  public List<ConsumerPropagation.Observation> drain() {
    List<ConsumerPropagation.Observation> out = new ArrayList<>(pending.size());
    for (Map.Entry<Seen, ConsumerPropagation.Observation> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        out.add(e.getValue());
      }
    }
    return out;
  }
}
