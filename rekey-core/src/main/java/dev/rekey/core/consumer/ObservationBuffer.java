package dev.rekey.core.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects observed key-version uses between flushes, in memory: one map update per request, no
 * database write. Per namespace, principal and key only the highest version is kept, so the size
 * is bounded by the distinct (principal, key) pairs in use, not by the request rate.
 */
public final class ObservationBuffer {
  private final ConcurrentHashMap<String, ConsumerPropagation.Observation> pending = new ConcurrentHashMap<>();

  public void offer(String namespace, String principal, String key, int version, Instant at) {
    if (namespace == null || principal == null || key == null || version < 1) {
      return;
    }
    pending.merge(namespace + "\0" + principal + "\0" + key,
        new ConsumerPropagation.Observation(namespace, principal, key, version, at),
        (a, b) -> b.version() >= a.version() ? b : a);
  }

  /** Takes everything collected so far. */
  public List<ConsumerPropagation.Observation> drain() {
    List<ConsumerPropagation.Observation> out = new ArrayList<>(pending.size());
    for (Map.Entry<String, ConsumerPropagation.Observation> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        out.add(e.getValue());
      }
    }
    return out;
  }
}
