package dev.rekey.server.api;

import dev.rekey.api.KeyVersionUsage;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCount;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Usage counts per (version, operation) to one {@link KeyVersionUsage} per version. */
final class UsageViews {
  private UsageViews() {}

  static Map<Integer, KeyVersionUsage> byVersion(List<UsageCount> counts) {
    Map<Integer, Map<Operation, Long>> perVersion = new TreeMap<>();
    Map<Integer, Instant> last = new HashMap<>();
    for (UsageCount c : counts) {
      perVersion.computeIfAbsent(c.version(), v -> new EnumMap<>(Operation.class))
          .merge(c.operation(), c.count(), Long::sum);
      if (c.lastUsedAt() != null) {
        last.merge(c.version(), c.lastUsedAt(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    Map<Integer, KeyVersionUsage> out = new HashMap<>();
    perVersion.forEach((version, ops) -> out.put(version, new KeyVersionUsage(
        n(ops, Operation.ENCRYPT), n(ops, Operation.DECRYPT), n(ops, Operation.REWRAP), n(ops, Operation.DATAKEY),
        n(ops, Operation.MAC), n(ops, Operation.MAC_VERIFY), n(ops, Operation.SIGN), n(ops, Operation.VERIFY),
        Views.time(last.get(version)))));
    return out;
  }

  private static long n(Map<Operation, Long> ops, Operation op) {
    return ops.getOrDefault(op, 0L);
  }
}
