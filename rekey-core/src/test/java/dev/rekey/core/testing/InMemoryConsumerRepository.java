package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.ConsumerRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Consumers, bindings and rotation updates in memory, with the semantics of the JDBC repository
 * (the storage contract tests pin those on SQLite and PostgreSQL): bindings are identified by
 * namespace, consumer and subject (kind and name), a rotation moves only the subject's bindings on
 * an older version.
 */
public final class InMemoryConsumerRepository implements ConsumerRepository {
  private static final String NAMESPACE_DEFAULT = "*";

  private record BindingId(String namespace, String consumer, BindingSubject subject) {}

  private record UpdateId(String namespace, BindingSubject subject, int version, String consumer) {}

  private final Map<String, Consumer> consumers = new TreeMap<>();
  private final Map<String, List<Selector>> selectors = new LinkedHashMap<>();
  private final Map<BindingId, Binding> bindings = new LinkedHashMap<>();
  private final Map<UpdateId, RotationUpdate> updates = new LinkedHashMap<>();
  private final Map<String, PropagationPolicy> policies = new LinkedHashMap<>();

  private static String id(String namespace, String name) {
    return namespace + "\0" + name;
  }

  private static BindingId id(Binding b) {
    return new BindingId(b.namespace(), b.consumer(), b.subject());
  }

  @Override
  public synchronized void insert(Consumer consumer) {
    if (consumers.putIfAbsent(id(consumer.namespace(), consumer.name()), consumer) != null) {
      throw RekeyException.alreadyExists("a consumer '" + consumer.name() + "' already exists");
    }
  }

  @Override
  public synchronized Optional<Consumer> find(String namespace, String name) {
    return Optional.ofNullable(consumers.get(id(namespace, name)));
  }

  @Override
  public synchronized List<Consumer> list(String namespace, String afterName, int limit) {
    return consumers.values().stream().filter(c -> c.namespace().equals(namespace))
        .filter(c -> afterName == null || c.name().compareTo(afterName) > 0).limit(limit).toList();
  }

  @Override
  public synchronized void update(Consumer consumer) {
    Consumer stored = consumers.get(id(consumer.namespace(), consumer.name()));
    if (stored == null) {
      throw RekeyException.notFound("no consumer '" + consumer.name() + "'");
    }
    consumers.put(id(consumer.namespace(), consumer.name()),
        consumer.withHook(stored.hookUrl(), stored.hookSecret(), consumer.updatedAt()));
  }

  @Override
  public synchronized void storeHook(String namespace, String name, String hookUrl, WrappedKey hookSecret,
      Instant updatedAt) {
    Consumer stored = consumers.get(id(namespace, name));
    if (stored == null) {
      throw RekeyException.notFound("no consumer '" + name + "'");
    }
    consumers.put(id(namespace, name), stored.withHook(hookUrl, hookSecret, updatedAt));
  }

  @Override
  public synchronized boolean delete(String namespace, String name) {
    bindings.keySet().removeIf(b -> b.namespace().equals(namespace) && b.consumer().equals(name));
    selectors.getOrDefault(namespace, new ArrayList<>()).removeIf(s -> s.consumer().equals(name));
    return consumers.remove(id(namespace, name)) != null;
  }

  @Override
  public synchronized List<Consumer> byPrincipal(String namespace, String principal) {
    return consumers.values().stream()
        .filter(c -> c.namespace().equals(namespace) && principal.equals(c.principal())).toList();
  }

  @Override
  public synchronized List<Consumer> hookSecretsWrappedByOtherRoot(String currentRootKeyId, int limit) {
    return consumers.values().stream().filter(c -> c.hookSecret() != null
        && !c.hookSecret().rootKeyId().equals(currentRootKeyId)).limit(limit).toList();
  }

  @Override
  public synchronized boolean replaceHookSecret(String namespace, String name, WrappedKey expected, WrappedKey next) {
    Consumer c = consumers.get(id(namespace, name));
    if (c == null || c.hookSecret() != expected) {
      return false;
    }
    consumers.put(id(namespace, name), c.withHook(c.hookUrl(), next, c.updatedAt()));
    return true;
  }

  @Override
  public synchronized void putSelector(String namespace, Selector selector) {
    List<Selector> list = selectors.computeIfAbsent(namespace, k -> new ArrayList<>());
    list.removeIf(s -> s.consumer().equals(selector.consumer()) && s.tags().equals(selector.tags()));
    list.add(selector);
  }

  @Override
  public synchronized boolean deleteSelector(String namespace, String consumer, Map<String, String> tags) {
    return selectors.getOrDefault(namespace, new ArrayList<>())
        .removeIf(s -> s.consumer().equals(consumer) && s.tags().equals(tags));
  }

  @Override
  public synchronized List<Selector> selectors(String namespace) {
    return List.copyOf(selectors.getOrDefault(namespace, List.of()));
  }

  @Override
  public synchronized Optional<Binding> findBinding(String namespace, String consumer, BindingSubject subject) {
    return Optional.ofNullable(bindings.get(new BindingId(namespace, consumer, subject)));
  }

  @Override
  public synchronized boolean insertBinding(Binding binding) {
    return bindings.putIfAbsent(id(binding), binding) == null;
  }

  @Override
  public synchronized void saveBinding(Binding binding) {
    if (bindings.replace(id(binding), binding) == null) {
      throw RekeyException.notFound("consumer '" + binding.consumer() + "' has no binding to " + binding.subject());
    }
  }

  @Override
  public synchronized boolean deleteBinding(String namespace, String consumer, BindingSubject subject) {
    return bindings.remove(new BindingId(namespace, consumer, subject)) != null;
  }

  @Override
  public synchronized List<Binding> bindingsOf(String namespace, String consumer) {
    return bindings.values().stream().filter(b -> b.namespace().equals(namespace) && b.consumer().equals(consumer))
        .sorted(Comparator.comparing(Binding::key)).toList();
  }

  @Override
  public synchronized List<Binding> bindingsOfSubject(String namespace, BindingSubject subject, String afterConsumer,
      int limit) {
    return bindings.values().stream().filter(b -> b.namespace().equals(namespace) && b.subject().equals(subject))
        .filter(b -> afterConsumer == null || b.consumer().compareTo(afterConsumer) > 0)
        .sorted(Comparator.comparing(Binding::consumer)).limit(limit).toList();
  }

  @Override
  public synchronized List<Binding> bindingsInState(String namespace, BindingState state, int limit) {
    return bindings.values().stream().filter(b -> b.state() == state)
        .filter(b -> namespace == null || b.namespace().equals(namespace)).limit(limit).toList();
  }

  @Override
  public synchronized int startRotation(String namespace, BindingSubject subject, int version, Instant now,
      Instant deadline) {
    int moved = 0;
    for (Binding b : List.copyOf(bindings.values())) {
      if (!b.namespace().equals(namespace) || !b.subject().equals(subject)) {
        continue;
      }
      if (b.version() < version) {
        boolean hook = find(namespace, b.consumer()).map(c -> c.hookUrl() != null).orElse(false);
        bindings.put(id(b), new Binding(b.namespace(), b.consumer(), b.subject(), b.origin(), b.mode(), b.version(),
            b.since(), b.previousVersion(), version,
            b.state() == BindingState.STALE ? BindingState.STALE : BindingState.PENDING_UPDATE, deadline,
            b.lastSeenAt(), hook ? Binding.HookState.PENDING : Binding.HookState.NONE, 0, null, now));
        moved++;
      } else if (b.targetVersion() < version) {
        bindings.put(id(b), new Binding(b.namespace(), b.consumer(), b.subject(), b.origin(), b.mode(), b.version(),
            b.since(), b.previousVersion(), version, b.state(), b.deadline(), b.lastSeenAt(), b.hookState(),
            b.hookAttempts(), b.hookError(), now));
      }
      updates.putIfAbsent(new UpdateId(namespace, subject, version, b.consumer()), new RotationUpdate(namespace,
          subject.name(), version, b.consumer(), now, deadline, b.version() >= version ? now : null, null,
          subject.kind()));
    }
    return moved;
  }

  @Override
  public synchronized List<Binding> dueDeadlines(Instant now, int limit) {
    return bindings.values().stream().filter(b -> b.state() == BindingState.PENDING_UPDATE
        && !b.deadline().isAfter(now)).sorted(Comparator.comparing(Binding::deadline)).limit(limit).toList();
  }

  @Override
  public synchronized boolean markStale(Binding binding, Instant now) {
    Binding b = bindings.get(id(binding));
    if (b == null || b.state() != BindingState.PENDING_UPDATE || b.targetVersion() != binding.targetVersion()) {
      return false;
    }
    bindings.put(id(b), new Binding(b.namespace(), b.consumer(), b.subject(), b.origin(), b.mode(), b.version(),
        b.since(), b.previousVersion(), b.targetVersion(), BindingState.STALE, b.deadline(), b.lastSeenAt(),
        b.hookState(), b.hookAttempts(), b.hookError(), now));
    UpdateId u = new UpdateId(b.namespace(), b.subject(), b.targetVersion(), b.consumer());
    RotationUpdate r = updates.get(u);
    if (r != null && r.staleAt() == null) {
      updates.put(u, new RotationUpdate(r.namespace(), r.key(), r.version(), r.consumer(), r.requestedAt(),
          r.deadline(), r.confirmedAt(), now, r.subjectKind()));
    }
    return true;
  }

  /** Hook calls are not made by the in-memory double's users: nothing is ever claimed. */
  @Override
  public synchronized List<Binding> claimHooks(Instant now, Instant leaseUntil, int limit) {
    return List.of();
  }

  @Override
  public synchronized void hookResult(Binding binding, Binding.HookState state, int attempts, Instant nextAt,
      String error, Instant now) {
    Binding b = bindings.get(id(binding));
    if (b != null && b.hookState() == Binding.HookState.PENDING && b.targetVersion() == binding.targetVersion()) {
      bindings.put(id(b), new Binding(b.namespace(), b.consumer(), b.subject(), b.origin(), b.mode(), b.version(),
          b.since(), b.previousVersion(), b.targetVersion(), b.state(), b.deadline(), b.lastSeenAt(), state, attempts,
          error, now));
    }
  }

  @Override
  public synchronized void confirmUpdates(String namespace, BindingSubject subject, String consumer, int version,
      Instant at) {
    updates.replaceAll((id, r) -> id.namespace().equals(namespace) && id.subject().equals(subject)
        && id.consumer().equals(consumer) && id.version() <= version && r.confirmedAt() == null
        ? new RotationUpdate(r.namespace(), r.key(), r.version(), r.consumer(), r.requestedAt(), r.deadline(), at,
            r.staleAt(), r.subjectKind()) : r);
  }

  @Override
  public synchronized List<RotationUpdate> updates(String namespace, BindingSubject subject, int limit) {
    return updates.entrySet().stream().filter(e -> e.getKey().namespace().equals(namespace))
        .filter(e -> subject == null || e.getKey().subject().equals(subject)).map(Map.Entry::getValue)
        .sorted(Comparator.comparing(RotationUpdate::requestedAt).reversed()
            .thenComparing(RotationUpdate::key).thenComparing(Comparator.comparing(RotationUpdate::version).reversed())
            .thenComparing(RotationUpdate::consumer))
        .limit(limit).toList();
  }

  @Override
  public synchronized Optional<PropagationPolicy> policy(String namespace, String key) {
    PropagationPolicy own = key == null ? null : policies.get(id(namespace, key));
    return Optional.ofNullable(own != null ? own : policies.get(id(namespace, NAMESPACE_DEFAULT)));
  }

  @Override
  public synchronized void putPolicy(String namespace, String key, PropagationPolicy policy) {
    policies.put(id(namespace, key == null ? NAMESPACE_DEFAULT : key), policy);
  }

  @Override
  public synchronized List<String> consumersUsing(String namespace, BindingSubject subject, int version,
      Instant leftSince) {
    return bindings.values().stream().filter(b -> b.namespace().equals(namespace) && b.subject().equals(subject))
        .filter(b -> b.version() == version || (b.previousVersion() == version && b.since() != null
            && !b.since().isBefore(leftSince)))
        .map(Binding::consumer).sorted().toList();
  }
}
