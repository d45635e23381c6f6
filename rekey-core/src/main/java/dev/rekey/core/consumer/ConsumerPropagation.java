package dev.rekey.core.consumer;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves bindings through a rotation: a new primary puts every bound consumer not yet on it into
 * PENDING_UPDATE with the policy's deadline; an observed use moves a consumer forward; a passed
 * deadline makes the binding STALE and emits {@code ConsumerRotationOverdue}.
 *
 * <p>{@link #onDispatched} runs inside the transaction in which the webhook dispatcher marks outbox
 * events dispatched, so each rotation is propagated exactly once, also on several nodes, with no gap.
 */
public final class ConsumerPropagation {
  private final ConsumerRepository consumers;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Clock clock;

  public ConsumerPropagation(ConsumerRepository consumers, Transactions transactions, EventOutbox outbox, Clock clock) {
    this.consumers = consumers;
    this.transactions = transactions;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** A key's new primary or a secret's new CURRENT version, read from a lifecycle event. */
  public record Rotation(String namespace, BindingSubject subject, int version, Map<String, String> tags) {
    /** A key's rotation. */
    public Rotation(String namespace, String key, int version, Map<String, String> tags) {
      this(namespace, BindingSubject.key(key), version, tags);
    }
  }

  /**
   * A consumer principal's successful use of a version: of a key (from the audit stream of
   * encrypt, sign and the like) or of a secret (from the audit stream of secret reads).
   */
  public record Observation(String namespace, String principal, BindingSubject subject, int version, Instant at) {
    /** A key's observed use. */
    public Observation(String namespace, String principal, String key, int version, Instant at) {
      this(namespace, principal, BindingSubject.key(key), version, at);
    }
  }

  /**
   * Propagates the rotations among {@code entries}; returns how many bindings became PENDING_UPDATE.
   * Which rotated secrets have bindings is asked once per namespace for the whole batch (a put of
   * an unbound secret, the common case, then costs no statement of its own); keys go through
   * {@link #propagate} one by one, since selectors may bind them.
   */
  public int onDispatched(List<? extends EventLog.Entry> entries, Instant now) {
    List<Rotation> rotations = new ArrayList<>();
    Map<String, List<BindingSubject>> secretsByNamespace = new HashMap<>();
    for (EventLog.Entry e : entries) {
      rotation(e.event()).ifPresent(r -> {
        rotations.add(r);
        if (r.subject().kind() == BindingSubject.Kind.SECRET) {
          secretsByNamespace.computeIfAbsent(r.namespace(), n -> new ArrayList<>()).add(r.subject());
        }
      });
    }
    if (rotations.isEmpty()) {
      return 0;
    }
    Map<String, java.util.Set<BindingSubject>> boundSecrets = new HashMap<>();
    secretsByNamespace.forEach((namespace, subjects) -> boundSecrets.put(namespace, consumers.bound(namespace, subjects)));
    int moved = 0;
    for (Rotation r : rotations) {
      if (r.subject().kind() == BindingSubject.Kind.SECRET && !boundSecrets.get(r.namespace()).contains(r.subject())) {
        continue; // nobody bound: nothing to move
      }
      moved += propagate(r, now);
    }
    return moved;
  }

  /**
   * The rotation an event describes: a key version created as PRIMARY or changed to PRIMARY, or a
   * secret version created as CURRENT (PRIMARY) or promoted to CURRENT (a put, a label move, a
   * rotator's finish step). The first version of a new key or secret is no rotation.
   */
  public static Optional<Rotation> rotation(Event e) {
    if (!"PRIMARY".equals(e.data().get("state")) || !(e.data().get("version") instanceof Number v)) {
      return Optional.empty();
    }
    BindingSubject subject;
    boolean changed;
    if ((e.type() == EventType.KEY_NEW_VERSION_CREATED || e.type() == EventType.KEY_VERSION_STATE_CHANGED)
        && e.data().get("key") instanceof String key) {
      subject = BindingSubject.key(key);
      changed = e.type() == EventType.KEY_VERSION_STATE_CHANGED;
    } else if ((e.type() == EventType.SECRET_NEW_VERSION_CREATED || e.type() == EventType.SECRET_VERSION_STATE_CHANGED)
        && e.data().get("secret") instanceof String secret) {
      subject = BindingSubject.secret(secret);
      changed = e.type() == EventType.SECRET_VERSION_STATE_CHANGED;
    } else {
      return Optional.empty();
    }
    return v.intValue() > 1 || changed
        ? Optional.of(new Rotation(e.namespace(), subject, v.intValue(), e.tags())) : Optional.empty();
  }

  /**
   * Binds selector consumers to a rotated key, then starts the rotation on every binding of the key
   * or secret. Selectors match keys only; a secret's deadline is the namespace's default policy.
   */
  public int propagate(Rotation r, Instant now) {
    BindingSubject subject = r.subject();
    boolean key = subject.kind() == BindingSubject.Kind.KEY;
    return transactions.inTransaction(() -> {
      boolean selected = false;
      if (key) {
        for (Selector s : consumers.selectors(r.namespace())) {
          if (s.matches(r.tags())) {
            // Unknown version: a consumer bound through its selector must move like everybody else.
            consumers.insertBinding(Binding.create(r.namespace(), s.consumer(), subject, BindingOrigin.SELECTOR,
                s.mode(), 0, now));
            selected = true;
          }
        }
      }
      if (!selected && !consumers.hasBindings(r.namespace(), subject)) {
        return 0; // nobody to move: most rotations, and every put of an unbound secret
      }
      PropagationPolicy policy = consumers.policy(r.namespace(), key ? subject.name() : null)
          .orElse(PropagationPolicy.DEFAULT);
      return consumers.startRotation(r.namespace(), subject, r.version(), now, now.plus(policy.deadline()));
    });
  }

  /** Marks bindings past their deadline STALE, with one overdue event each; returns how many. */
  public int expireDeadlines(int limit) {
    Instant now = clock.instant();
    List<Binding> due = consumers.dueDeadlines(now, limit);
    if (due.isEmpty()) {
      return 0;
    }
    return transactions.inTransaction(() -> {
      Map<String, Map<String, String>> tags = new HashMap<>();
      List<Event> events = new ArrayList<>();
      for (Binding b : due) {
        if (consumers.markStale(b, now)) {
          events.add(ConsumerEvents.overdue(b, tagsOf(tags, b.namespace(), b.consumer()), now));
        }
      }
      outbox.append(events);
      return events.size();
    });
  }

  /**
   * Applies a batch of observed uses in one transaction: each moves the bindings of the consumers
   * linked to the principal (creating OBSERVED bindings for keys and secrets they were not bound to).
   */
  public int observe(Collection<Observation> observations) {
    if (observations.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    return transactions.inTransaction(() -> {
      Map<String, List<dev.rekey.core.consumer.Consumer>> linked = new HashMap<>();
      List<Event> events = new ArrayList<>();
      int changed = 0;
      for (Observation o : observations) {
        List<dev.rekey.core.consumer.Consumer> cs = linked.computeIfAbsent(o.namespace() + "\0" + o.principal(),
            k -> consumers.byPrincipal(o.namespace(), o.principal()));
        for (dev.rekey.core.consumer.Consumer c : cs) {
          // locked: a rotation another node propagates meanwhile waits, and is not overwritten below
          Optional<Binding> found = consumers.lockBinding(o.namespace(), c.name(), o.subject());
          if (found.isEmpty()) {
            consumers.insertBinding(Binding.create(o.namespace(), c.name(), o.subject(), BindingOrigin.OBSERVED,
                BindingMode.LATEST, o.version(), o.at()));
            changed++;
            continue;
          }
          Binding before = found.get();
          Binding after = BindingMoves.moved(before, o.version(), false, o.at());
          if (after.version() == before.version() && after.state() == before.state()) {
            continue; // seen on the version it is known to use: no write
          }
          consumers.saveBinding(after);
          changed++;
          if (after.version() >= after.targetVersion()) {
            consumers.confirmUpdates(o.namespace(), o.subject(), c.name(), after.version(), now);
          }
          if (BindingMoves.completes(before, after)) {
            events.add(ConsumerEvents.completed(after, before.state() == BindingState.STALE, c.tags(), now));
          }
        }
      }
      outbox.append(events);
      return changed;
    });
  }

  private Map<String, String> tagsOf(Map<String, Map<String, String>> cache, String namespace, String consumer) {
    return cache.computeIfAbsent(namespace + "\0" + consumer, k ->
        consumers.find(namespace, consumer).map(dev.rekey.core.consumer.Consumer::tags).orElse(Map.of()));
  }

  /** Keeps, per principal, key or secret and namespace, only the highest version seen: what a flush needs. */
  public static Collection<Observation> latest(Collection<Observation> raw) {
    Map<String, Observation> best = new LinkedHashMap<>();
    for (Observation o : raw) {
      best.merge(o.namespace() + "\0" + o.principal() + "\0" + o.subject(), o,
          (a, b) -> b.version() > a.version() || (b.version() == a.version() && b.at().isAfter(a.at())) ? b : a);
    }
    return best.values();
  }
}
