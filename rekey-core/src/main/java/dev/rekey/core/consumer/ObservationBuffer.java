package dev.rekey.core.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects observed key-version uses between flushes, in memory, with no database write. Per
 * namespace, principal and key only the highest version is kept (with when it was first seen in
 * this window), so the size is bounded by the distinct (principal, key) pairs in use, not by the
 * request rate; a request that repeats what is already pending costs one map read, no write.
 */
public final class ObservationBuffer {
  private record Subject(String namespace, String principal, String key) {}

  private final ConcurrentHashMap<Subject, ConsumerPropagation.Observation> pending = new ConcurrentHashMap<>();

  public void offer(String namespace, String principal, String key, int version, Instant at) {
    if (namespace == null || principal == null || key == null || version < 1) {
      return;
    }
    Subject subject = new Subject(namespace, principal, key);
    ConsumerPropagation.Observation seen = pending.get(subject);
    if (seen != null && seen.version() >= version) {
      return;
    }
    pending.merge(subject, new ConsumerPropagation.Observation(namespace, principal, key, version, at),
        (a, b) -> b.version() > a.version() ? b : a);
  }

  /** Takes everything collected so far. */
  public List<ConsumerPropagation.Observation> drain() {
    List<ConsumerPropagation.Observation> out = new ArrayList<>(pending.size());
    for (Map.Entry<Subject, ConsumerPropagation.Observation> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        out.add(e.getValue());
      }
    }
    return out;
  }
}
