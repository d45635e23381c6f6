package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingOrigin;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.ConsumerHookSecretRewrap;
import dev.rekey.core.consumer.ConsumerPropagation;
import dev.rekey.core.event.EventType;
import dev.rekey.store.JdbcEventOutbox.StoredEvent;
import java.time.Clock;
import java.time.ZoneOffset;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.WebhookSecret;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.ConsumerRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Consumers, bindings, rotation updates and policies, run on every dialect. */
abstract class ConsumerStoreContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-05-01T10:00:00.123456789Z");

  private ConsumerRepository repo() {
    return store.consumers();
  }

  static Consumer consumer(String name, String principal, boolean hook) {
    return new Consumer("default", name, "service", Map.of("team", "pay"), "ops@example.test", principal,
        hook ? "https://hooks.example.test/" + name : null,
        hook ? new WrappedKey(new byte[] {9, 8, (byte) name.hashCode()}, "root-a") : null, T, T);
  }

  private Binding bound(String consumer, String key, int version) {
    Binding b = Binding.create("default", consumer, key, BindingOrigin.EXPLICIT, BindingMode.LATEST, version, T);
    assertThat(repo().insertBinding(b)).isTrue();
    return b;
  }

  @Test
  void consumer_roundTripsAndNamesAreUniquePerNamespace() {
    Consumer a = consumer("billing", "svc-billing", true);
    repo().insert(a);
    assertThat(repo().find("default", "billing")).contains(a);
    assertThatThrownBy(() -> repo().insert(a)).isInstanceOf(RekeyException.class)
        .extracting(e -> ((RekeyException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    repo().insert(consumer("archive", null, false));
    assertThat(repo().list("default", null, 10)).extracting(Consumer::name).containsExactly("archive", "billing");
    assertThat(repo().list("default", "archive", 10)).extracting(Consumer::name).containsExactly("billing");
    assertThat(repo().byPrincipal("default", "svc-billing")).extracting(Consumer::name).containsExactly("billing");

    Consumer changed = a.withDetails("storage-account", Map.of("env", "prod"), "new-owner", null, T.plusSeconds(1));
    repo().update(changed.withHook(null, null, T.plusSeconds(1)));
    assertThat(repo().find("default", "billing")).as("update never writes the hook").contains(changed);
    repo().storeHook("default", "billing", null, null, T.plusSeconds(2));
    assertThat(repo().find("default", "billing")).contains(changed.withHook(null, null, T.plusSeconds(2)));
    assertThat(repo().byPrincipal("default", "svc-billing")).isEmpty();

    bound("billing", "orders", 1);
    assertThat(repo().delete("default", "billing")).isTrue();
    assertThat(repo().find("default", "billing")).isEmpty();
    assertThat(repo().findBinding("default", "billing", "orders")).isEmpty();
    assertThat(repo().delete("default", "billing")).isFalse();
  }

  @Test
  void hasBindings_isTrueOnlyForTheBoundKindAndName() {
    repo().insert(consumer("billing", null, false));
    assertThat(repo().hasBindings("default", BindingSubject.key("orders"))).isFalse();
    bound("billing", "orders", 1);
    assertThat(repo().hasBindings("default", BindingSubject.key("orders"))).isTrue();
    assertThat(repo().hasBindings("default", BindingSubject.secret("orders"))).isFalse();
    assertThat(repo().hasBindings("default", BindingSubject.key("order"))).isFalse();
    assertThat(repo().hasBindings("other", BindingSubject.key("orders"))).isFalse();
  }

  @Test
  void bound_namesTheBoundSubjectsOfABatch_byKindNameAndNamespace_overSeveralStatements() {
    repo().insert(consumer("billing", null, false));
    bound("billing", "orders", 1);
    boundToSecret("billing", "s40", 1);
    List<BindingSubject> asked = new java.util.ArrayList<>();
    for (int i = 0; i < JdbcBindings.BOUND_CHUNK * 2 + 3; i++) {
      asked.add(BindingSubject.secret("s" + i));
      asked.add(BindingSubject.key("k" + i));
    }
    asked.add(BindingSubject.key("orders"));
    asked.add(BindingSubject.secret("orders"));
    asked.add(BindingSubject.key("orders")); // twice in one batch

    assertThat(repo().bound("default", asked))
        .containsExactlyInAnyOrder(BindingSubject.key("orders"), BindingSubject.secret("s40"));
    assertThat(repo().bound("other", asked)).isEmpty();
    assertThat(repo().bound("default", List.of())).isEmpty();
  }

  @Test
  void hookSecret_rewrapIsCompareAndSet() {
    repo().insert(consumer("a", null, true));
    repo().insert(consumer("b", null, false));
    assertThat(repo().hookSecretsWrappedByOtherRoot("root-b", 10)).extracting(Consumer::name).containsExactly("a");
    WrappedKey old = repo().find("default", "a").orElseThrow().hookSecret();
    WrappedKey next = new WrappedKey(new byte[] {7}, "root-b");
    assertThat(repo().replaceHookSecret("default", "a", old, next)).isTrue();
    assertThat(repo().replaceHookSecret("default", "a", old, next)).isFalse();
    assertThat(repo().hookSecretsWrappedByOtherRoot("root-b", 10)).isEmpty();
  }

  @Test
  void hookSecretRewrap_movesEverySecretToTheNewRootGeneration_andItStillUnwraps() {
    RootKeyring before = RootKeyring.generate(T);
    SecretBytes secret = WebhookSecret.generate();
    Consumer c = consumer("a", null, false).withHook("https://hooks.example.test/a",
        before.wrap(secret, MaterialBinding.consumerHookSecret("default", "a")), T);
    repo().insert(c);
    repo().insert(consumer("no-hook", null, false));
    RootKeyring rotated = before.withNewGeneration(T);
    ConsumerHookSecretRewrap rewrap = new ConsumerHookSecretRewrap(repo());

    assertThat(rewrap.wrappedByOther(rotated.currentId())).isTrue();
    assertThat(rewrap.rewrap(rotated)).isEqualTo(1);
    assertThat(rewrap.wrappedByOther(rotated.currentId())).isFalse();
    Consumer stored = repo().find("default", "a").orElseThrow();
    assertThat(rotated.withoutOldGenerations().unwrap(stored.hookSecret(),
        MaterialBinding.consumerHookSecret("default", "a")).sameAs(secret)).isTrue();
  }

  @Test
  void propagation_bindsSelectorConsumersAtRotation_andPassedDeadlinesGoStaleOnceWithAnEvent() {
    repo().insert(consumer("backup", null, false));
    repo().insert(consumer("other", null, false));
    repo().putSelector("default", new Selector("backup", Map.of("backup-encryption", "enabled"), BindingMode.LATEST));
    repo().putSelector("default", new Selector("other", Map.of("backup-encryption", "disabled"), BindingMode.LATEST));
    repo().putPolicy("default", "vault", new PropagationPolicy(Duration.ofSeconds(30), Duration.ZERO, false));
    ConsumerPropagation now = new ConsumerPropagation(repo(), store.transactions(), store.events(),
        Clock.fixed(T, ZoneOffset.UTC));

    assertThat(now.propagate(new ConsumerPropagation.Rotation("default", "vault", 2,
        Map.of("backup-encryption", "enabled", "env", "prod")), T)).isEqualTo(1);
    Binding b = repo().findBinding("default", "backup", "vault").orElseThrow();
    assertThat(b.origin()).isEqualTo(BindingOrigin.SELECTOR);
    assertThat(b.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(b.deadline()).isEqualTo(T.plusSeconds(30));
    assertThat(repo().findBinding("default", "other", "vault")).isEmpty();

    assertThat(now.expireDeadlines(10)).isZero();
    ConsumerPropagation later = new ConsumerPropagation(repo(), store.transactions(), store.events(),
        Clock.fixed(T.plusSeconds(30), ZoneOffset.UTC));
    assertThat(later.expireDeadlines(10)).isEqualTo(1);
    assertThat(later.expireDeadlines(10)).isZero();
    assertThat(repo().findBinding("default", "backup", "vault").orElseThrow().state()).isEqualTo(BindingState.STALE);
    StoredEvent overdue = store.events().recent(null, EventType.CONSUMER_ROTATION_OVERDUE, 10).get(0);
    assertThat(overdue.event().subject()).isEqualTo("consumers/backup/bindings/vault");
    assertThat(overdue.event().data()).containsEntry("expected_version", 2).containsEntry("consumer", "backup");
    assertThat(store.events().recent(null, EventType.CONSUMER_ROTATION_OVERDUE, 10)).hasSize(1);
  }

  @Test
  void rotation_movesOlderBindingsToPendingWithDeadlineAndHookOnlyWhereThereIsAHook() {
    repo().insert(consumer("a", null, true));
    repo().insert(consumer("b", null, false));
    repo().insert(consumer("c", null, true));
    bound("a", "orders", 1);
    bound("b", "orders", 1);
    bound("c", "orders", 2);
    bound("a", "other", 1);
    Instant deadline = T.plus(Duration.ofHours(1));

    assertThat(repo().startRotation("default", "orders", 2, T, deadline)).isEqualTo(2);

    Binding a = repo().findBinding("default", "a", "orders").orElseThrow();
    assertThat(a.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(a.targetVersion()).isEqualTo(2);
    assertThat(a.deadline()).isEqualTo(deadline);
    assertThat(a.hookState()).isEqualTo(Binding.HookState.PENDING);
    assertThat(repo().findBinding("default", "b", "orders").orElseThrow().hookState()).isEqualTo(Binding.HookState.NONE);
    Binding c = repo().findBinding("default", "c", "orders").orElseThrow();
    assertThat(c.state()).isEqualTo(BindingState.CURRENT);
    assertThat(c.targetVersion()).isEqualTo(2);
    assertThat(repo().findBinding("default", "a", "other").orElseThrow().state()).isEqualTo(BindingState.CURRENT);

    List<RotationUpdate> updates = repo().updates("default", "orders", 10);
    assertThat(updates).extracting(RotationUpdate::consumer).containsExactly("a", "b", "c");
    assertThat(updates).filteredOn(u -> u.consumer().equals("c")).extracting(RotationUpdate::confirmedAt)
        .containsExactly(T);
    assertThat(updates).filteredOn(u -> !u.consumer().equals("c")).allMatch(u -> u.confirmedAt() == null);
  }

  @Test
  void deadlines_onlyDueOnesAreFoundAndMarkingStaleIsConditional() {
    repo().insert(consumer("a", null, false));
    repo().insert(consumer("b", null, false));
    bound("a", "k1", 1);
    bound("b", "k2", 1);
    repo().startRotation("default", "k1", 2, T, T.plusSeconds(10));
    repo().startRotation("default", "k2", 2, T, T.plusSeconds(100));

    assertThat(repo().dueDeadlines(T.plusSeconds(9), 10)).isEmpty();
    List<Binding> due = repo().dueDeadlines(T.plusSeconds(10), 10);
    assertThat(due).extracting(Binding::consumer).containsExactly("a");
    assertThat(repo().markStale(due.get(0), T.plusSeconds(11))).isTrue();
    assertThat(repo().markStale(due.get(0), T.plusSeconds(11))).isFalse();
    assertThat(repo().dueDeadlines(T.plusSeconds(50), 10)).isEmpty();
    assertThat(repo().bindingsInState("default", BindingState.STALE, 10)).extracting(Binding::consumer)
        .containsExactly("a");
    assertThat(repo().bindingsInState(null, BindingState.PENDING_UPDATE, 10)).extracting(Binding::consumer)
        .containsExactly("b");
    assertThat(repo().updates("default", "k1", 10).get(0).staleAt()).isEqualTo(T.plusSeconds(11));

    repo().confirmUpdates("default", "k1", "a", 2, T.plusSeconds(12));
    assertThat(repo().updates("default", "k1", 10).get(0).confirmedAt()).isEqualTo(T.plusSeconds(12));
  }

  @Test
  void hooks_claimLeasesSoASecondClaimGetsNothingUntilTheLeaseEnds() {
    repo().insert(consumer("a", null, true));
    bound("a", "orders", 1);
    repo().startRotation("default", "orders", 2, T, T.plusSeconds(3600));

    List<Binding> first = repo().claimHooks(T, T.plusSeconds(30), 10);
    assertThat(first).hasSize(1);
    assertThat(repo().claimHooks(T.plusSeconds(29), T.plusSeconds(60), 10)).isEmpty();
    List<Binding> again = repo().claimHooks(T.plusSeconds(30), T.plusSeconds(60), 10);
    assertThat(again).hasSize(1);

    repo().hookResult(again.get(0), Binding.HookState.PENDING, 1, T.plusSeconds(40), "HTTP 500", T.plusSeconds(31));
    assertThat(repo().claimHooks(T.plusSeconds(39), T.plusSeconds(90), 10)).isEmpty();
    List<Binding> retry = repo().claimHooks(T.plusSeconds(40), T.plusSeconds(90), 10);
    assertThat(retry).singleElement().extracting(Binding::hookAttempts).isEqualTo(1);
    repo().hookResult(retry.get(0), Binding.HookState.DELIVERED, 2, null, null, T.plusSeconds(41));
    Binding b = repo().findBinding("default", "a", "orders").orElseThrow();
    assertThat(b.hookState()).isEqualTo(Binding.HookState.DELIVERED);
    assertThat(b.hookAttempts()).isEqualTo(2);
    assertThat(repo().claimHooks(T.plusSeconds(1000), T.plusSeconds(2000), 10)).isEmpty();
  }

  @Test
  void versionUsers_areBindingsOnTheVersionAndThoseThatLeftItWithinTheQuietPeriod() {
    repo().insert(consumer("a", null, false));
    repo().insert(consumer("b", null, false));
    bound("a", "orders", 1);
    Binding b = bound("b", "orders", 1);
    Binding moved = new Binding("default", "b", BindingSubject.key("orders"), b.origin(), b.mode(), 2, T.plusSeconds(100), 1, 2,
        BindingState.CURRENT, null, T.plusSeconds(100), Binding.HookState.NONE, 0, null, T.plusSeconds(100));
    repo().saveBinding(moved);
    assertThat(repo().findBinding("default", "b", "orders")).contains(moved);

    assertThat(repo().consumersUsing("default", "orders", 1, T.plusSeconds(100))).containsExactly("a", "b");
    assertThat(repo().consumersUsing("default", "orders", 1, T.plusSeconds(101))).containsExactly("a");
    assertThat(repo().consumersUsing("default", "orders", 2, T.plusSeconds(101))).containsExactly("b");
    assertThat(repo().consumersUsing("default", "orders", 3, T)).isEmpty();
  }

  @Test
  void policies_keyOverridesNamespaceDefault() {
    assertThat(repo().policy("default", "orders")).isEmpty();
    PropagationPolicy ns = new PropagationPolicy(Duration.ofMinutes(30), Duration.ZERO, false);
    repo().putPolicy("default", null, ns);
    assertThat(repo().policy("default", "orders")).contains(ns);
    PropagationPolicy key = new PropagationPolicy(Duration.ofMillis(2500), Duration.ofDays(1), true);
    repo().putPolicy("default", "orders", key);
    assertThat(repo().policy("default", "orders")).contains(key);
    assertThat(repo().policy("default", "other")).contains(ns);
    assertThat(repo().policy("elsewhere", "orders")).isEmpty();
  }

  @Test
  void selectors_storeByTagsAndReplaceTheMode() {
    repo().insert(consumer("a", null, false));
    repo().putSelector("default", new Selector("a", Map.of("backup-encryption", "enabled"), BindingMode.LATEST));
    repo().putSelector("default", new Selector("a", Map.of("backup-encryption", "enabled"), BindingMode.PINNED));
    assertThat(repo().selectors("default")).singleElement()
        .satisfies(s -> assertThat(s.mode()).isEqualTo(BindingMode.PINNED))
        .satisfies(s -> assertThat(s.matches(Map.of("backup-encryption", "enabled", "x", "y"))).isTrue());
    assertThat(repo().deleteSelector("default", "a", Map.of("backup-encryption", "enabled"))).isTrue();
    assertThat(repo().selectors("default")).isEmpty();
  }

  /** The deadline query reads the partial index on non-current bindings: its cost follows what is due. */
  @Test
  void deadlineQuery_usesThePartialIndex() {
    String query = "SELECT consumer FROM consumer_bindings WHERE state = 'PENDING_UPDATE' AND deadline <= 5"
        + " ORDER BY deadline LIMIT 100";
    String plan = ((JdbcTransactions) store.transactions()).read("explaining", c -> {
      StringBuilder out = new StringBuilder();
      try (Statement s = c.createStatement()) {
        if (store.dialect() == Dialect.POSTGRESQL) {
          s.execute("SET enable_seqscan = off");
        }
        try (ResultSet rs = s.executeQuery((store.dialect() == Dialect.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + query)) {
          while (rs.next()) {
            out.append(rs.getString(store.dialect() == Dialect.SQLITE ? 4 : 1)).append('\n');
          }
        }
        if (store.dialect() == Dialect.POSTGRESQL) {
          s.execute("RESET enable_seqscan");
        }
      }
      return out.toString();
    });
    assertThat(plan).contains("consumer_bindings_deadline");
  }

  /**
   * V12: a binding's subject kind is part of its identity. A key and a secret of the same name are
   * separate bindings; key-scoped reads see only the key's, and saving the secret's leaves the key's alone.
   */
  @Test
  void subjectKind_aSecretBindingOfTheSameNameIsSeparateFromTheKeyBinding() {
    repo().insert(consumer("billing", null, false));
    bound("billing", "db-url", 1);
    Binding secret = Binding.create("default", "billing", BindingSubject.secret("db-url"), BindingOrigin.EXPLICIT,
        BindingMode.PINNED, 3, T);
    assertThat(repo().insertBinding(secret)).isTrue();
    assertThat(repo().insertBinding(secret)).isFalse();

    assertThat(repo().bindingsOf("default", "billing")).extracting(b -> b.subject().toString() + "@" + b.version())
        .containsExactlyInAnyOrder("key:db-url@1", "secret:db-url@3");
    assertThat(repo().findBinding("default", "billing", "db-url").orElseThrow().subject())
        .isEqualTo(BindingSubject.key("db-url"));

    repo().saveBinding(new Binding("default", "billing", secret.subject(), secret.origin(), secret.mode(), 4,
        T.plusSeconds(5), 3, 4, BindingState.CURRENT, null, null, Binding.HookState.NONE, 0, null, T.plusSeconds(5)));
    assertThat(repo().bindingsOf("default", "billing")).extracting(b -> b.subject().toString() + "@" + b.version())
        .containsExactlyInAnyOrder("key:db-url@1", "secret:db-url@4");
    assertThat(repo().deleteBinding("default", "billing", "db-url")).isTrue();
    assertThat(repo().bindingsOf("default", "billing")).extracting(b -> b.subject().toString())
        .containsExactly("secret:db-url");
  }

  private Binding boundToSecret(String consumer, String secret, int version) {
    Binding b = Binding.create("default", consumer, BindingSubject.secret(secret), BindingOrigin.EXPLICIT,
        BindingMode.LATEST, version, T);
    assertThat(repo().insertBinding(b)).isTrue();
    return b;
  }

  /**
   * A secret's rotation moves, confirms, reports and guards only the secret's bindings, never those
   * of a key with the same name; its hook calls, deadlines and update rows carry the SECRET kind.
   */
  @Test
  void secretRotation_touchesOnlyTheSecretsBindings_andItsUpdatesCarryTheSecretKind() {
    BindingSubject secret = BindingSubject.secret("db-url");
    repo().insert(consumer("a", null, true));
    repo().insert(consumer("b", null, false));
    boundToSecret("a", "db-url", 1);
    boundToSecret("b", "db-url", 2);
    bound("a", "db-url", 1);

    assertThat(repo().startRotation("default", secret, 2, T, T.plusSeconds(10))).isEqualTo(1);

    Binding a = repo().findBinding("default", "a", secret).orElseThrow();
    assertThat(a.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(a.hookState()).isEqualTo(Binding.HookState.PENDING);
    assertThat(repo().findBinding("default", "a", "db-url").orElseThrow().state()).isEqualTo(BindingState.CURRENT);
    assertThat(repo().bindingsOfSubject("default", secret, null, 10)).extracting(Binding::consumer)
        .containsExactly("a", "b");
    assertThat(repo().bindingsOfSubject("default", secret, "a", 10)).extracting(Binding::consumer)
        .containsExactly("b");
    assertThat(repo().bindingsOfKey("default", "db-url", null, 10)).extracting(Binding::consumer)
        .containsExactly("a");

    List<RotationUpdate> updates = repo().updates("default", secret, 10);
    assertThat(updates).extracting(RotationUpdate::consumer).containsExactly("a", "b");
    assertThat(updates).allMatch(u -> u.subjectKind() == BindingSubject.Kind.SECRET && u.version() == 2);
    assertThat(repo().updates("default", "db-url", 10)).isEmpty();
    assertThat(repo().updates("default", (BindingSubject) null, 10)).hasSize(2);

    assertThat(repo().claimHooks(T, T.plusSeconds(30), 10)).singleElement()
        .satisfies(b -> assertThat(b.subject()).isEqualTo(secret));
    List<Binding> due = repo().dueDeadlines(T.plusSeconds(10), 10);
    assertThat(due).singleElement().satisfies(b -> assertThat(b.subject()).isEqualTo(secret));
    assertThat(repo().markStale(due.get(0), T.plusSeconds(11))).isTrue();
    assertThat(repo().updates("default", secret, 10)).filteredOn(u -> u.consumer().equals("a"))
        .extracting(RotationUpdate::staleAt).containsExactly(T.plusSeconds(11));

    assertThat(repo().consumersUsing("default", secret, 1, T)).containsExactly("a");
    assertThat(repo().consumersUsing("default", secret, 2, T)).containsExactly("b");
    assertThat(repo().consumersUsing("default", "db-url", 2, T)).isEmpty();

    repo().confirmUpdates("default", secret, "a", 2, T.plusSeconds(12));
    assertThat(repo().updates("default", secret, 10)).filteredOn(u -> u.consumer().equals("a"))
        .extracting(RotationUpdate::confirmedAt).containsExactly(T.plusSeconds(12));

    assertThat(repo().deleteBinding("default", "a", secret)).isTrue();
    assertThat(repo().deleteBinding("default", "a", secret)).isFalse();
    assertThat(repo().findBinding("default", "a", "db-url")).isPresent();
  }

  /** Propagating a secret's rotation uses the namespace default policy, not a key policy of the same name. */
  @Test
  void propagate_secretRotation_usesTheNamespaceDefaultDeadline() {
    repo().insert(consumer("a", null, false));
    boundToSecret("a", "db-url", 1);
    repo().putPolicy("default", null, new PropagationPolicy(Duration.ofMinutes(5), Duration.ZERO, false));
    repo().putPolicy("default", "db-url", new PropagationPolicy(Duration.ofHours(9), Duration.ZERO, false));
    ConsumerPropagation propagation = new ConsumerPropagation(repo(), store.transactions(), store.events(),
        Clock.fixed(T, ZoneOffset.UTC));

    assertThat(propagation.propagate(new ConsumerPropagation.Rotation("default", BindingSubject.secret("db-url"), 2,
        Map.of()), T)).isEqualTo(1);

    assertThat(repo().findBinding("default", "a", BindingSubject.secret("db-url")).orElseThrow().deadline())
        .isEqualTo(T.plus(Duration.ofMinutes(5)));
  }
}
