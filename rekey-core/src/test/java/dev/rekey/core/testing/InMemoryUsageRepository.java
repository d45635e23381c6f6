package dev.rekey.core.testing;

import dev.rekey.core.port.UsageRepository;
import dev.rekey.core.usage.UsageCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage counts in memory, for tests. {@link #failNextAdds} makes the next writes fail before
 * anything is added, as a database that is down would.
 */
public final class InMemoryUsageRepository implements UsageRepository {
  private final Map<String, UsageCount> rows = new LinkedHashMap<>();
  private int adds;
  private int failures;

  @Override
  public synchronized void add(List<UsageCount> deltas) {
    if (failures > 0) {
      failures--;
      throw new IllegalStateException("storage unavailable (test)");
    }
    adds++;
    for (UsageCount d : deltas) {
      rows.merge(d.namespace() + "/" + d.key() + "/" + d.version() + "/" + d.operation(), d,
          (a, b) -> a.plus(b.count(), b.lastUsedAt()));
    }
  }

  @Override
  public synchronized List<UsageCount> forKey(String namespace, String key) {
    List<UsageCount> out = new ArrayList<>();
    for (UsageCount c : rows.values()) {
      if (c.namespace().equals(namespace) && c.key().equals(key)) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparingInt(UsageCount::version).thenComparing(UsageCount::operation));
    return out;
  }

  /** How many writes succeeded. */
  public synchronized int adds() {
    return adds;
  }

  /** The next {@code n} writes throw. */
  public synchronized void failNextAdds(int n) {
    failures = n;
  }
}
