package dev.rekey.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.service.VersionAction;
import dev.rekey.core.testing.InMemoryConsumerRepository;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.InMemorySecretRepository;
import dev.rekey.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Consumer bindings to secrets over in-memory repositories: bind on CURRENT, propagation when
 * CURRENT moves (put, label move), confirmation, observation of reads, the retirement guard and
 * the drift report, and that a key of the same name is never touched.
 */
class SecretBindingTest {
  private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
  private static final String NS = "default";

  private final MutableClock clock = new MutableClock(T0);
  private final RootKeyring ring = RootKeyring.generate(T0);
  private final InMemoryConsumerRepository repo = new InMemoryConsumerRepository();
  private final InMemorySecretRepository secretRepo = new InMemorySecretRepository();
  private final InMemoryKeyRepository keyRepo = new InMemoryKeyRepository();
  private final InMemoryEventOutbox outbox = new InMemoryEventOutbox();
  private final SecretService secrets = new SecretService(secretRepo, Transactions.direct(), outbox, () -> ring,
      clock, Duration.ofDays(7));
  private final KeyService keys = new KeyService(keyRepo, Transactions.direct(), outbox, () -> ring,
      new KeyCache(keyRepo, () -> ring, Duration.ZERO), clock, Duration.ofDays(7));
  private final ConsumerService consumers = new ConsumerService(repo, new BindingTargets(keyRepo, secretRepo),
      Transactions.direct(), outbox, () -> ring, clock);
  private final ConsumerPropagation propagation = new ConsumerPropagation(repo, Transactions.direct(), outbox, clock);
  private long seq;

  SecretBindingTest() {
    secrets.guardVersions(new ConsumerVersionUsers(repo, clock, BindingSubject.Kind.SECRET));
    keys.guardVersions(new ConsumerVersionUsers(repo, clock));
  }

  private void put(String name, String value) {
    secrets.put(NS, name, value.getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
  }

  /** What the webhook dispatcher does with the outbox: hands every new event to propagation. */
  private int dispatch() {
    List<EventLog.Entry> entries = outbox.events().stream().map(e -> entry(++seq, e)).toList();
    outbox.clear();
    return propagation.onDispatched(entries, clock.instant());
  }

  private static EventLog.Entry entry(long seq, Event event) {
    return new EventLog.Entry() {
      @Override
      public long seq() {
        return seq;
      }

      @Override
      public Event event() {
        return event;
      }
    };
  }

  private Binding binding(String consumer, BindingSubject subject) {
    return repo.findBinding(NS, consumer, subject).orElseThrow();
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void bind_secret_startsOnItsCurrentVersion_andMissingSecretsOrVersionsAreNotFound() {
    put("db-url", "one");
    put("db-url", "two");
    consumers.register(NS, "billing", null, Map.of(), null, null, null);

    Binding b = consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);

    assertThat(b.subject()).isEqualTo(BindingSubject.secret("db-url"));
    assertThat(b.version()).isEqualTo(2);
    assertThat(b.state()).isEqualTo(BindingState.CURRENT);
    assertCode(() -> consumers.bind(NS, "billing", BindingSubject.secret("nope"), BindingMode.LATEST, null),
        ErrorCode.NOT_FOUND);
    assertCode(() -> consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.PINNED, 9),
        ErrorCode.NOT_FOUND);
    assertCode(() -> consumers.bind(NS, "billing", BindingSubject.key("db-url"), BindingMode.LATEST, null),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void aBatchOfPuts_movesTheBindingsOfTheBoundSecretsOnly_whateverTheirNamespace() {
    for (String ns : List.of(NS, "team-b")) {
      for (String name : List.of("bound", "unbound")) {
        secrets.put(ns, name, "one".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
      }
      consumers.register(ns, "billing", null, Map.of(), null, null, null);
      consumers.bind(ns, "billing", BindingSubject.secret("bound"), BindingMode.LATEST, null);
    }
    dispatch();

    for (String ns : List.of(NS, "team-b")) {
      for (String name : List.of("bound", "unbound", "bound")) {
        secrets.put(ns, name, "next".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
      }
    }
    assertThat(dispatch()).as("one batch of six rotations: the bound secret's binding moves twice per namespace")
        .isEqualTo(4);

    for (String ns : List.of(NS, "team-b")) {
      Binding moved = repo.findBinding(ns, "billing", BindingSubject.secret("bound")).orElseThrow();
      assertThat(moved.state()).isEqualTo(BindingState.PENDING_UPDATE);
      assertThat(moved.targetVersion()).isEqualTo(3);
    }
  }

  @Test
  void putOfANewCurrent_propagates_onlyToTheSecretsBindings_thenConfirmCompletes() {
    put("db-url", "one");
    keys.create(NS, "db-url", KeyType.AES256_GCM, Map.of());
    consumers.register(NS, "billing", null, Map.of(), null, null, null);
    consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);
    consumers.bind(NS, "billing", "db-url", BindingMode.LATEST, null);
    dispatch();

    clock.advance(Duration.ofMinutes(1));
    put("db-url", "two");
    assertThat(dispatch()).isEqualTo(1);

    Binding pending = binding("billing", BindingSubject.secret("db-url"));
    assertThat(pending.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(pending.targetVersion()).isEqualTo(2);
    assertThat(pending.deadline()).isEqualTo(clock.instant().plus(PropagationPolicy.DEFAULT.deadline()));
    assertThat(binding("billing", BindingSubject.key("db-url")).state()).isEqualTo(BindingState.CURRENT);

    Binding confirmed = consumers.confirm(NS, "billing", BindingSubject.secret("db-url"), 2);
    assertThat(confirmed.state()).isEqualTo(BindingState.CURRENT);
    assertThat(confirmed.deadline()).isNull();
    List<Event> completed = outbox.ofType(EventType.CONSUMER_ROTATION_COMPLETED);
    assertThat(completed).singleElement().satisfies(e -> {
      assertThat(e.data()).containsEntry("secret", "db-url").containsEntry("subject_kind", "secret")
          .doesNotContainKey("key");
      assertThat(e.subject()).isEqualTo("consumers/billing/secret-bindings/db-url");
    });
    assertThat(consumers.drift(NS, BindingSubject.secret("db-url"), 10)).singleElement().satisfies(u -> {
      assertThat(u.subjectKind()).isEqualTo(BindingSubject.Kind.SECRET);
      assertThat(u.version()).isEqualTo(2);
      assertThat(u.confirmedAt()).isEqualTo(clock.instant());
    });
    assertThat(consumers.drift(NS, BindingSubject.key("db-url"), 10)).isEmpty();
  }

  @Test
  void promotingAPendingVersion_isARotation_andAPendingPutIsNot() {
    put("token", "one");
    consumers.register(NS, "edge", null, Map.of(), null, null, null);
    consumers.bind(NS, "edge", BindingSubject.secret("token"), BindingMode.LATEST, null);
    dispatch();

    secrets.put(NS, "token", "two".getBytes(StandardCharsets.UTF_8),
        new SecretService.PutOptions(null, null, null, true, null));
    assertThat(dispatch()).isZero();
    assertThat(binding("edge", BindingSubject.secret("token")).state()).isEqualTo(BindingState.CURRENT);

    secrets.promote(NS, "token", 2);
    assertThat(dispatch()).isEqualTo(1);
    assertThat(binding("edge", BindingSubject.secret("token")).state()).isEqualTo(BindingState.PENDING_UPDATE);
  }

  @Test
  void retireDisableOrDestroy_ofAVersionInUse_isRefusedUnlessForced() {
    put("db-url", "one");
    consumers.register(NS, "billing", null, Map.of(), null, null, null);
    consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);
    put("db-url", "two");
    dispatch();

    for (VersionAction action : List.of(VersionAction.RETIRE, VersionAction.DISABLE, VersionAction.DESTROY)) {
      assertThatThrownBy(() -> secrets.changeVersion(NS, "db-url", 1, action, null))
          .isInstanceOfSatisfying(RekeyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VERSION_IN_USE);
            assertThat(e.getMessage()).contains("billing").contains("secret 'db-url'");
          });
    }
    SecretService.GuardedChange forced = secrets.changeVersion(NS, "db-url", 1, VersionAction.RETIRE, null, true);
    assertThat(forced.overriddenConsumers()).containsExactly("billing");
    assertThat(forced.secret().requireVersion(1).state().name()).isEqualTo("RETIRED");
  }

  @Test
  void afterTheConsumerMoved_theOldVersionCanBeRetired() {
    put("db-url", "one");
    consumers.register(NS, "billing", null, Map.of(), null, null, null);
    consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);
    put("db-url", "two");
    dispatch();
    consumers.confirm(NS, "billing", BindingSubject.secret("db-url"), 2);
    clock.advance(Duration.ofSeconds(1)); // past the (default: zero) quiet period

    assertThat(secrets.changeVersion(NS, "db-url", 1, VersionAction.RETIRE, null, false).overriddenConsumers())
        .isEmpty();
  }

  @Test
  void observedSecretReads_moveTheConsumerLinkedToThePrincipal() {
    put("db-url", "one");
    consumers.register(NS, "billing", null, Map.of(), null, "svc-billing", null);
    consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);
    put("db-url", "two");
    dispatch();

    ObservationBuffer buffer = new ObservationBuffer();
    buffer.offer(NS, "svc-billing", BindingSubject.secret("db-url"), 2, clock.instant());
    buffer.offer(NS, "svc-billing", BindingSubject.secret("db-url"), 2, clock.instant());
    buffer.offer(NS, "svc-billing", "db-url", 1, clock.instant()); // a key of the same name: its own subject
    List<ConsumerPropagation.Observation> drained = buffer.drain();
    assertThat(drained).hasSize(2);
    propagation.observe(ConsumerPropagation.latest(drained));

    Binding b = binding("billing", BindingSubject.secret("db-url"));
    assertThat(b.version()).isEqualTo(2);
    assertThat(b.state()).isEqualTo(BindingState.CURRENT);
    assertThat(b.previousVersion()).isEqualTo(1);
    assertThat(binding("billing", BindingSubject.key("db-url")).origin()).isEqualTo(BindingOrigin.OBSERVED);
  }

  @Test
  void unbind_secret_removesOnlyTheSecretBinding() {
    put("db-url", "one");
    keys.create(NS, "db-url", KeyType.AES256_GCM, Map.of());
    consumers.register(NS, "billing", null, Map.of(), null, null, null);
    consumers.bind(NS, "billing", BindingSubject.secret("db-url"), BindingMode.LATEST, null);
    consumers.bind(NS, "billing", "db-url", BindingMode.LATEST, null);

    consumers.unbind(NS, "billing", BindingSubject.secret("db-url"));

    assertThat(consumers.bindings(NS, "billing")).extracting(b -> b.subject().toString())
        .containsExactly("key:db-url");
    assertCode(() -> consumers.unbind(NS, "billing", BindingSubject.secret("db-url")), ErrorCode.NOT_FOUND);
  }
}
