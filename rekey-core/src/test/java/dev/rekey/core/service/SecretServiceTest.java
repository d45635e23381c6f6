package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static dev.rekey.core.service.Services.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.secret.SecretVersion;
import dev.rekey.core.service.SecretService.PutOptions;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Secrets over the in-memory store: labels follow the lifecycle, CAS, guardrail, events without values. */
class SecretServiceTest {
  private final Services s = new Services();
  private final InMemorySecretRepository repo = new InMemorySecretRepository();
  private final InMemoryEventOutbox events = new InMemoryEventOutbox();
  private final SecretService secrets = new SecretService(repo, Transactions.direct(), events, () -> s.ring, s.clock,
      Duration.ofDays(7));

  private static byte[] utf8(String v) {
    return v.getBytes(StandardCharsets.UTF_8);
  }

  private String read(String label) {
    return new String(secrets.read(NS, "db", label, null).value(), StandardCharsets.UTF_8);
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  /**
   * The check inside the put's transaction (the root of trust's) finds the value's root
   * generation dropped: the put is wrapped again under the generation the node now has, and a
   * put refused every time is a conflict (409) that stores nothing.
   */
  @Test
  void put_generationDroppedBeforeItsTransaction_isWrappedAgain_orAConflictThatStoresNothing() {
    dev.rekey.core.root.RootKeyring after = s.ring.withNewGeneration(s.clock.instant());
    java.util.concurrent.atomic.AtomicReference<dev.rekey.core.root.RootKeyring> ring =
        new java.util.concurrent.atomic.AtomicReference<>(s.ring);
    SecretService node = new SecretService(repo, Transactions.direct(), events, ring::get, s.clock, Duration.ofDays(7));
    java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
    node.guardRootGenerations(id -> {
      if (!id.equals(after.currentId())) {
        refusals.incrementAndGet();
        ring.set(after); // as RootOfTrust.requireLive takes over the stored keyring
        throw RekeyException.concurrentModification("generation gone; retry");
      }
    });

    node.put(NS, "db", utf8("v1"), SecretService.PutOptions.DEFAULT);

    assertThat(refusals).hasValue(1);
    assertThat(repo.find(NS, "db").orElseThrow().current().lifecycle().material().rootKeyId())
        .isEqualTo(after.currentId());

    node.guardRootGenerations(id -> {
      throw RekeyException.concurrentModification("generation gone; retry");
    });
    assertCode(() -> node.put(NS, "db", utf8("v2"), SecretService.PutOptions.DEFAULT),
        ErrorCode.CONCURRENT_MODIFICATION, "retry");
    assertThat(repo.find(NS, "db").orElseThrow().latestVersion()).isEqualTo(1);
  }

  /** Puts start from the node's cached copy; a copy made stale by another node never loses or refuses a write. */
  @Test
  void put_onANodeWhoseCopyIsStale_checksAndSetsAgainstTheStore() {
    SecretService nodeA = new SecretService(repo, Transactions.direct(), events, () -> s.ring, s.clock,
        Duration.ofDays(7), new SecretCache(repo, () -> s.ring, Duration.ofHours(1)));
    SecretService nodeB = new SecretService(repo, Transactions.direct(), events, () -> s.ring, s.clock,
        Duration.ofDays(7), new SecretCache(repo, () -> s.ring, Duration.ofHours(1)));
    nodeA.put(NS, "db", utf8("one"), PutOptions.DEFAULT); // node A caches version 1
    nodeB.put(NS, "db", utf8("two"), PutOptions.DEFAULT); // the store moves on to version 2

    Secret third = nodeA.put(NS, "db", utf8("three"), new PutOptions(2, null, null, false, null));
    Secret fourth = nodeA.put(NS, "db", utf8("four"), PutOptions.DEFAULT);
    nodeB.put(NS, "db", utf8("five"), PutOptions.DEFAULT);
    Secret sixth = nodeA.put(NS, "db", utf8("six"), PutOptions.DEFAULT);

    assertThat(third.current().number()).isEqualTo(3);
    assertThat(fourth.current().number()).isEqualTo(4);
    assertThat(sixth.current().number()).isEqualTo(6);
    assertThat(repo.find(NS, "db").orElseThrow().versions()).hasSize(6);
    assertCode(() -> nodeA.put(NS, "db", utf8("x"), new PutOptions(5, null, null, false, null)),
        ErrorCode.CONCURRENT_MODIFICATION, "expected current version 5, found version 6");
  }

  /** A put prepared off the writer and committed after another put landed is redone on the newer copy. */
  @Test
  void preparedPut_committedAfterTheSecretMovedOn_isRedoneOnTheStoresCopy() {
    secrets.put(NS, "db", utf8("one"), PutOptions.DEFAULT);
    PreparedPut late = secrets.prepare(NS, "db", utf8("three"), PutOptions.DEFAULT);
    PreparedPut guarded = secrets.prepare(NS, "db", utf8("x"), new PutOptions(1, null, null, false, null));
    assertThat(late.updated().latestVersion()).isEqualTo(2);
    secrets.put(NS, "db", utf8("two"), PutOptions.DEFAULT);

    Secret stored = secrets.commit(late);

    assertThat(stored.current().number()).isEqualTo(3);
    assertThat(read("CURRENT")).isEqualTo("three");
    assertThat(read("PREVIOUS")).isEqualTo("two");
    assertThat(repo.find(NS, "db").orElseThrow().versions()).hasSize(3);
    assertThat(late.toString()).doesNotContain("three").contains("redacted");
    assertCode(() -> secrets.commit(guarded), ErrorCode.CONCURRENT_MODIFICATION, "expected current version 1, found version 3");
    assertThat(repo.find(NS, "db").orElseThrow().versions()).hasSize(3);
  }

  /** A put prepared under a root key that was rotated (and dropped) before it committed is wrapped again. */
  @Test
  void preparedPut_committedAfterARootRotation_isWrappedUnderTheNewRoot() {
    java.util.concurrent.atomic.AtomicReference<dev.rekey.core.root.RootKeyring> ring =
        new java.util.concurrent.atomic.AtomicReference<>(s.ring);
    SecretService node = new SecretService(repo, Transactions.direct(), events, ring::get, s.clock, Duration.ofDays(7));
    node.put(NS, "old", utf8("existing"), PutOptions.DEFAULT);
    PreparedPut created = node.prepare(NS, "fresh", utf8("new-secret"), PutOptions.DEFAULT);
    PreparedPut updated = node.prepare(NS, "old", utf8("second"), PutOptions.DEFAULT);
    ring.set(ring.get().withNewGeneration(T0.plusSeconds(60)));
    // a rotation re-wraps what is stored (not the puts still queued), then drops the old root
    ring.set(ring.get().withoutOldGenerations());

    node.commit(created);
    node.commit(updated);

    assertThat(new String(node.read(NS, "fresh", null, null).value(), StandardCharsets.UTF_8)).isEqualTo("new-secret");
    assertThat(new String(node.read(NS, "old", null, null).value(), StandardCharsets.UTF_8)).isEqualTo("second");
    assertThat(repo.find(NS, "fresh").orElseThrow().current().lifecycle().material().rootKeyId())
        .isEqualTo(ring.get().currentId());
  }

  @Test
  void put_thenPut_movesCurrentAndPrevious_andRetiresTheOlderOne() {
    secrets.put(NS, "db", utf8("one"), PutOptions.DEFAULT);
    secrets.put(NS, "db", utf8("two"), PutOptions.DEFAULT);
    Secret third = secrets.put(NS, "db", utf8("three"), PutOptions.DEFAULT);

    assertThat(read("CURRENT")).isEqualTo("three");
    assertThat(read("previous")).isEqualTo("two");
    assertThat(third.versions()).extracting(SecretVersion::state)
        .containsExactly(VersionState.RETIRED, VersionState.ACTIVE, VersionState.PRIMARY);
    assertThat(new String(secrets.read(NS, "db", null, 1).value(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(third.labelsOf(3)).containsExactly("CURRENT");
  }

  @Test
  void pending_isReadableByLabel_promotedToCurrent_andANewPendingReplacesAStaleOne() {
    secrets.put(NS, "db", utf8("one"), PutOptions.DEFAULT);
    PutOptions pending = new PutOptions(null, null, null, true, null);
    secrets.put(NS, "db", utf8("stale"), pending);
    Secret s2 = secrets.put(NS, "db", utf8("fresh"), pending);

    assertThat(s2.requireVersion(2).state()).isEqualTo(VersionState.DISABLED);
    assertThat(read("PENDING")).isEqualTo("fresh");
    assertThat(read("CURRENT")).isEqualTo("one");

    Secret promoted = secrets.promote(NS, "db", 3);
    assertThat(read("CURRENT")).isEqualTo("fresh");
    assertThat(read("PREVIOUS")).isEqualTo("one");
    assertThat(promoted.pending()).isEmpty();

    // roll back to the previous value
    secrets.promote(NS, "db", 1);
    assertThat(read("CURRENT")).isEqualTo("one");
    assertThat(read("PREVIOUS")).isEqualTo("fresh");
  }

  @Test
  void cas_zeroOnlyCreates_andNOnlyWritesOverVersionN() {
    secrets.put(NS, "db", utf8("one"), new PutOptions(0, null, null, false, null));
    assertCode(() -> secrets.put(NS, "db", utf8("x"), new PutOptions(0, null, null, false, null)),
        ErrorCode.CONCURRENT_MODIFICATION, "expected current version 0");
    secrets.put(NS, "db", utf8("two"), new PutOptions(1, null, null, false, null));
    assertCode(() -> secrets.put(NS, "db", utf8("y"), new PutOptions(1, null, null, false, null)),
        ErrorCode.CONCURRENT_MODIFICATION, "found version 2");
    assertThat(read("CURRENT")).isEqualTo("two");
  }

  @Test
  void guardrail_deniesNoExpiry_andTooLongExpiry_namingTheRule() {
    secrets.setGuardrail(new SecretGuardrail(NS, true, Duration.ofDays(90)));

    assertCode(() -> secrets.put(NS, "db", utf8("v"), PutOptions.DEFAULT), ErrorCode.INVALID_REQUEST,
        "denies secrets without an expiry");
    assertCode(() -> secrets.put(NS, "db", utf8("v"), new PutOptions(null, null, Duration.ofDays(91), false, null)),
        ErrorCode.INVALID_REQUEST, "max_lifetime");
    Secret ok = secrets.put(NS, "db", utf8("v"), new PutOptions(null, null, Duration.ofDays(30), false, null));

    assertThat(ok.current().expiresAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
    assertThat(repo.find(NS, "db")).contains(ok);
  }

  @Test
  void events_nameVersionsAndStates_neverTheValue() {
    secrets.put(NS, "db", utf8("hunter2"), new PutOptions(null, null, null, false, Map.of("team", "core")));
    secrets.put(NS, "db", utf8("hunter3"), PutOptions.DEFAULT);

    assertThat(events.events()).extracting(Event::type).containsExactly(EventType.SECRET_NEW_VERSION_CREATED,
        EventType.SECRET_VERSION_STATE_CHANGED, EventType.SECRET_NEW_VERSION_CREATED);
    assertThat(events.events().get(2).subject()).isEqualTo("secrets/db/versions/2");
    assertThat(events.events().get(2).tags()).containsEntry("team", "core");
    assertThat(events.events().toString()).doesNotContain("hunter");
  }

  @Test
  void lifecycle_disabledVersionsCannotBeRead_andCurrentCannotBeDisabled() {
    secrets.put(NS, "db", utf8("one"), PutOptions.DEFAULT);
    secrets.put(NS, "db", utf8("two"), PutOptions.DEFAULT);

    assertCode(() -> secrets.changeVersion(NS, "db", 2, VersionAction.DISABLE, null), ErrorCode.ILLEGAL_STATE,
        "CURRENT");
    secrets.changeVersion(NS, "db", 1, VersionAction.DISABLE, null);
    assertCode(() -> secrets.read(NS, "db", "PREVIOUS", null), ErrorCode.NOT_FOUND, "no PREVIOUS");
    assertCode(() -> secrets.read(NS, "db", null, 1), ErrorCode.ILLEGAL_STATE, "disabled");
    secrets.changeVersion(NS, "db", 1, VersionAction.ENABLE, null);
    assertThat(new String(secrets.read(NS, "db", null, 1).value(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertCode(() -> secrets.changeVersion(NS, "db", 1, VersionAction.SCHEDULE_DESTROY, 1), ErrorCode.INVALID_REQUEST,
        "purge protection");
  }

  @Test
  void customLabels_pointAtVersions_andReservedOnesAreRefused() {
    secrets.put(NS, "db", utf8("one"), PutOptions.DEFAULT);
    secrets.put(NS, "db", utf8("two"), PutOptions.DEFAULT);

    secrets.label(NS, "db", "blue", 1);
    assertThat(read("blue")).isEqualTo("one");
    assertCode(() -> secrets.label(NS, "db", "current", 1), ErrorCode.INVALID_REQUEST, "staging label");
    assertCode(() -> secrets.label(NS, "db", "no spaces", 1), ErrorCode.INVALID_REQUEST, "invalid label name");
    assertCode(() -> secrets.unlabel(NS, "db", "CURRENT"), ErrorCode.INVALID_REQUEST, "staging label");
    assertCode(() -> secrets.unlabel(NS, "db", "green"), ErrorCode.NOT_FOUND, "no label 'green'");
    secrets.unlabel(NS, "db", "blue");
    assertCode(() -> secrets.read(NS, "db", "blue", null), ErrorCode.NOT_FOUND, "no label");
  }

  @Test
  void values_areBoundToTheirIdentity_andLimited() {
    secrets.put(NS, "a", utf8("alpha"), PutOptions.DEFAULT);
    Secret a = repo.find(NS, "a").orElseThrow();
    // a row copied onto another name does not unwrap
    repo.insert(new Secret(NS, "b", Map.of(), a.versions(), Map.of(), a.createdAt(), 0));
    assertThatThrownBy(() -> secrets.read(NS, "b", null, null)).isInstanceOf(RuntimeException.class);

    assertCode(() -> secrets.put(NS, "big", new byte[SecretService.MAX_VALUE_BYTES + 1], PutOptions.DEFAULT),
        ErrorCode.INVALID_REQUEST, "at most");
    assertThat(secrets.read(NS, "a", null, null).toString()).doesNotContain("alpha");
  }
}
