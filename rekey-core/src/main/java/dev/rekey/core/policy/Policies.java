package dev.rekey.core.policy;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.PolicyRepository;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the stored policies with the resolution rule: the key's own policy, else its
 * namespace's, else its key type's (see {@link PolicyScope}). Take a new snapshot per scheduler tick.
 * A stored policy that no longer validates fails only the keys it applies to.
 */
public final class Policies {
  private final Map<String, RotationPolicy> byScope = new HashMap<>();
  private final Map<String, RekeyException> invalid = new HashMap<>();

  private Policies() {}

  public static Policies load(PolicyRepository repository) {
    Policies p = new Policies();
    for (PolicySpec spec : repository.all()) {
      try {
        p.byScope.put(spec.scope(), RotationPolicy.from(spec, "stored policy " + spec.scope()));
      } catch (RekeyException e) {
        p.invalid.put(spec.scope(), e);
      }
    }
    return p;
  }

  /** The policy that applies to the key, most specific scope first; throws if that policy is invalid. */
  public Optional<RotationPolicy> resolve(String namespace, String name, KeyType type) {
    for (PolicyScope scope : new PolicyScope[] {PolicyScope.ofKey(namespace, name), PolicyScope.ofNamespace(namespace),
        PolicyScope.ofType(type)}) {
      RekeyException broken = invalid.get(scope.id());
      if (broken != null) {
        throw broken;
      }
      RotationPolicy p = byScope.get(scope.id());
      if (p != null) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
