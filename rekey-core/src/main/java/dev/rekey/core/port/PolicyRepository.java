package dev.rekey.core.port;

import dev.rekey.api.PolicySpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of rotation policies in their canonical wire form, one per scope id. Joins the caller's transaction. */
public interface PolicyRepository {
  /** Inserts or replaces the policy of {@code spec.scope()}. */
  void put(PolicySpec spec, Instant at);

  Optional<PolicySpec> get(String scopeId);

  /** Removes the policy of {@code scopeId}; returns whether there was one. */
  boolean delete(String scopeId);

  /** Every policy, ordered by scope id. */
  List<PolicySpec> all();

}
