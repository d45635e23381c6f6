package dev.rekey.core.port;

import dev.rekey.core.usage.UsageCount;
import java.util.List;

/**
 * Stored usage counts per key version and operation. Nodes add deltas: several nodes sharing a
 * database each add their own, and the stored count is the sum.
 */
public interface UsageRepository {
  /**
   * Adds every delta in one transaction: {@code count = count + delta}, last use = the later of
   * the stored and the given time. All or nothing: on failure nothing was added.
   */
  void add(List<UsageCount> deltas);

  /** The stored counts of one key, ordered by version and operation. */
  List<UsageCount> forKey(String namespace, String key);
}
