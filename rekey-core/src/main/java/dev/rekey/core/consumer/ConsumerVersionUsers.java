package dev.rekey.core.consumer;

import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.VersionUsers;
import java.time.Clock;
import java.util.List;

/**
 * Consumers as users of key or secret versions: the bindings on a version, and those that left it
 * within the quiet period (a key's policy; for secrets the namespace's default policy).
 */
public final class ConsumerVersionUsers implements VersionUsers {
  private final ConsumerRepository consumers;
  private final Clock clock;
  private final BindingSubject.Kind kind;

  /** Users of key versions. */
  public ConsumerVersionUsers(ConsumerRepository consumers, Clock clock) {
    this(consumers, clock, BindingSubject.Kind.KEY);
  }

  /** Users of versions of {@code kind} (keys or secrets); the name given to {@link #using} is of that kind. */
  public ConsumerVersionUsers(ConsumerRepository consumers, Clock clock, BindingSubject.Kind kind) {
    this.consumers = consumers;
    this.clock = clock;
    this.kind = kind;
  }

  @Override
  public List<String> using(String namespace, String name, int version) {
    boolean key = kind == BindingSubject.Kind.KEY;
    PropagationPolicy policy = consumers.policy(namespace, key ? name : null).orElse(PropagationPolicy.DEFAULT);
    return consumers.consumersUsing(namespace, new BindingSubject(kind, name), version,
        clock.instant().minus(policy.quietPeriod()));
  }
}
