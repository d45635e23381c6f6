package dev.rekey.core.consumer;

import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.VersionUsers;
import java.time.Clock;
import java.util.List;

/** Consumers as users of key versions: the bindings on a version, and those that left it within the quiet period. */
public final class ConsumerVersionUsers implements VersionUsers {
  private final ConsumerRepository consumers;
  private final Clock clock;

  public ConsumerVersionUsers(ConsumerRepository consumers, Clock clock) {
    this.consumers = consumers;
    this.clock = clock;
  }

  @Override
  public List<String> using(String namespace, String key, int version) {
    PropagationPolicy policy = consumers.policy(namespace, key).orElse(PropagationPolicy.DEFAULT);
    return consumers.consumersUsing(namespace, key, version, clock.instant().minus(policy.quietPeriod()));
  }
}
