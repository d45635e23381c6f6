package dev.rekey.core.testing;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.port.PolicyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Policies in a sorted map, for core tests. */
public final class InMemoryPolicyRepository implements PolicyRepository {
  private final Map<String, PolicySpec> byScope = new ConcurrentSkipListMap<>();

  public InMemoryPolicyRepository(List<PolicySpec> initial) {
    initial.forEach(p -> put(p, null));
  }

  @Override
  public void put(PolicySpec spec, java.time.Instant at) {
    byScope.put(spec.scope(), spec);
  }

  @Override
  public Optional<PolicySpec> get(String scopeId) {
    return Optional.ofNullable(byScope.get(scopeId));
  }

  @Override
  public boolean delete(String scopeId) {
    return byScope.remove(scopeId) != null;
  }

  @Override
  public List<PolicySpec> all() {
    return new ArrayList<>(byScope.values());
  }
}
