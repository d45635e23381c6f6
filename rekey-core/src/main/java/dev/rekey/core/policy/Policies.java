package dev.rekey.core.policy;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.PolicyRepository;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the stored policies with the resolution rule: the key's own policy, else its
 * namespace's, else its key type's (see {@link PolicyScope}). Take a new snapshot per scheduler tick.
 */
public final class Policies {
  private final Map<String, RotationPolicy> byScope = new HashMap<>();

  private Policies() {}

  public static Policies load(PolicyRepository repository) {
    Policies p = new Policies();
    for (PolicySpec spec : repository.all()) {
      RotationPolicy policy = RotationPolicy.from(spec, "stored policy " + spec.scope());
      p.byScope.put(policy.scope().id(), policy);
    }
    return p;
  }

  /** The policy that applies to the key, most specific scope first. */
  public Optional<RotationPolicy> resolve(String namespace, String name, KeyType type) {
    RotationPolicy p = byScope.get(PolicyScope.ofKey(namespace, name).id());
    if (p == null) {
      p = byScope.get(PolicyScope.ofNamespace(namespace).id());
    }
    if (p == null) {
      p = byScope.get(PolicyScope.ofType(type).id());
    }
    return Optional.ofNullable(p);
  }
}
