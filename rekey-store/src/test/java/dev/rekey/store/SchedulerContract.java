package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.policy.RotationScheduler.TickResult;
import dev.rekey.core.policy.Span;
import dev.rekey.core.port.ScheduleRepository.Entry;
import dev.rekey.core.port.ScheduleRepository.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rotation scheduler on one node over a real store, time from a test clock. Every dialect. */
abstract class SchedulerContract extends SchedulerFixture {
  /**
   * Two years of quarterly and annual rotations of 200 keys created at scattered times (including
   * month ends): the clock jumps from one due time to the next, and every key must have been rotated
   * exactly at each scheduled time, exactly once.
   */
  @Test
  void simulation_twoYearsOfQuarterlyAndAnnualRotations_everyRotationOnScheduleExactlyOnce() {
    node = node(store, "node-1", Duration.ofDays(3650));
    node.put(SchedulerNode.every("namespace:quarterly", "P3M"), T0);
    node.put(SchedulerNode.every("namespace:annual", "P1Y"), T0);
    List<Key> created = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      at(T0.plus(Duration.ofHours(7L * i + (i % 3 == 0 ? 0 : 13))));
      created.add(node.keys.create(i % 2 == 0 ? "quarterly" : "annual", "k" + i, KeyType.AES256_GCM, Map.of()));
    }
    Instant end = T0.plus(Duration.ofDays(2 * 365 + 60));
    int ticks = 0;
    for (Optional<Instant> due = Optional.of(clock.instant()); due.isPresent() && !due.get().isAfter(end);
        due = store.schedules().earliestDue()) {
      at(due.get().isBefore(clock.instant()) ? clock.instant() : due.get());
      ticks += node.scheduler.drain(100);
    }

    int rotations = 0;
    for (Key k : created) {
      Span period = Span.parse("p", k.namespace().equals("quarterly") ? "P3M" : "P1Y");
      List<Instant> expected = new ArrayList<>();
      for (int n = 1; !period.addTo(k.createdAt(), n).isAfter(clock.instant()); n++) {
        expected.add(period.addTo(k.createdAt(), n));
      }
      List<Run> runs = runs(k.namespace(), k.name());
      assertThat(runs).extracting(Run::scheduledAt).as(k.name()).containsExactlyElementsOf(expected);
      assertThat(runs).allSatisfy(r -> assertThat(r.startedAt()).isEqualTo(r.scheduledAt()));
      assertThat(node.keys.get(k.namespace(), k.name()).latestVersion()).isEqualTo(expected.size() + 1);
      rotations += expected.size();
    }
    assertThat(rotations).isBetween(100 * 8, 100 * 9 + 100 * 2);
    assertThat(events(EventType.KEY_NEW_VERSION_CREATED)).hasSize(200 + rotations);
    assertThat(ticks).isPositive();
  }

  @Test
  void downtime_missedPeriodsRunOnce_thenBackOnTheCalendar() {
    node.put(SchedulerNode.every("namespace:default", "P1M"), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);

    at(Instant.parse("2026-06-15T00:00:00Z"));
    node.scheduler.drain(10);
    node.scheduler.drain(10);

    assertThat(runs("default", "k")).singleElement().returns(Instant.parse("2026-02-01T00:00:00Z"), Run::scheduledAt);
    assertThat(node.keys.get("default", "k").latestVersion()).isEqualTo(2);
    assertThat(store.schedules().find("default", "k").orElseThrow().nextRotationAt())
        .isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
  }

  @Test
  void monthEnd_monthlyRotationsFollowTheCalendar() {
    at(Instant.parse("2026-01-31T09:00:00Z"));
    node.put(SchedulerNode.every("key:default/k", "P1M"), clock.instant());
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    for (String t : List.of("2026-02-28T09:00:00Z", "2026-03-31T09:00:00Z", "2026-04-30T09:00:00Z")) {
      node.scheduler.drain(10);
      at(Instant.parse(t));
      node.scheduler.drain(10);
    }
    assertThat(runs("default", "k")).extracting(r -> r.scheduledAt().toString())
        .containsExactly("2026-02-28T09:00:00Z", "2026-03-31T09:00:00Z", "2026-04-30T09:00:00Z");
  }

  @Test
  void failure_isRolledBack_recordedWithRotationFailed_andRetriedWithBackoff() {
    node.put(SchedulerNode.every("namespace:default", "P1D"), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    // A policy the key's type cannot satisfy is a permanent failure; a corrupt stored policy is the simplest.
    store.policies().put(new PolicySpec("namespace:default", "not-a-period", null, null, null, null, null, null, null,
        null, null), T0);
    at(T0.plus(Duration.ofDays(1)));

    TickResult first = node.scheduler.tick();
    assertThat(first.failed()).isEqualTo(1);
    Entry e = store.schedules().find("default", "k").orElseThrow();
    assertThat(e.failures()).isEqualTo(1);
    assertThat(e.lastError()).contains("rotation_period");
    assertThat(e.dueAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(events(EventType.ROTATION_FAILED)).singleElement()
        .satisfies(ev -> assertThat(ev.event().data()).containsEntry("attempt", 1).containsEntry("key", "k"));

    at(clock.instant().plus(Duration.ofMinutes(1)));
    node.scheduler.tick();
    assertThat(store.schedules().find("default", "k").orElseThrow().dueAt())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));

    node.put(SchedulerNode.every("namespace:default", "P1D"), clock.instant());
    node.scheduler.drain(10);
    assertThat(store.schedules().find("default", "k").orElseThrow().failures()).isZero();
    assertThat(node.keys.get("default", "k").latestVersion()).isEqualTo(2);
  }

  @Test
  void autoRetire_afterDualRunningWindow_unlessRecentlyUsed_andPrunesBeyondKeepCount() {
    node.put(new PolicySpec("namespace:default", "P30D", null, null, null, "P7D", 1, true, null, null, "P10D"), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);

    at(T0.plus(Duration.ofDays(30)));
    node.scheduler.drain(10);
    assertThat(node.keys.get("default", "k").requireVersion(1).state()).isEqualTo(VersionState.ACTIVE);

    lastUse.set(Optional.of(T0.plus(Duration.ofDays(36))));
    at(T0.plus(Duration.ofDays(37)));
    node.scheduler.drain(10);
    assertThat(node.keys.get("default", "k").requireVersion(1).state()).as("used within the window").isEqualTo(VersionState.ACTIVE);

    lastUse.set(Optional.empty());
    at(store.schedules().earliestDue().orElseThrow());
    node.scheduler.drain(10);
    assertThat(node.keys.get("default", "k").requireVersion(1).state()).isEqualTo(VersionState.RETIRED);

    at(T0.plus(Duration.ofDays(60)));
    node.scheduler.drain(10);
    at(T0.plus(Duration.ofDays(67)));
    node.scheduler.drain(10);
    Key k = node.keys.get("default", "k");
    assertThat(k.requireVersion(2).state()).isEqualTo(VersionState.RETIRED);
    assertThat(k.requireVersion(1).state()).isEqualTo(VersionState.DESTROY_SCHEDULED);
    assertThat(k.requireVersion(1).destroyAfter()).isEqualTo(clock.instant().plus(Duration.ofDays(10)));
  }

  @Test
  void autoRetireAndPruning_holdBackVersionsThatConsumersOrStoredDataKeysStillNeed() {
    node.put(new PolicySpec("namespace:default", "P30D", null, null, null, "P7D", 0, true, null, null, "P10D"), T0);
    node.keys.create("default", "held", KeyType.AES256_GCM, Map.of());
    node.keys.create("default", "used", KeyType.AES256_GCM, Map.of());
    node.keys.create("default", "free", KeyType.AES256_GCM, Map.of());
    // a stored data key wrapped by version 1 of "held"; a consumer still on version 1 of "used"
    new dev.rekey.core.dek.DekService(store.deks(), node.cache, clock).create("default", "held", "acme");
    node.keys.guardVersions((namespace, key, version) -> key.equals("used") && version == 1 ? List.of("billing")
        : List.of());
    node.scheduler.drain(10);

    at(T0.plus(Duration.ofDays(30)));
    node.scheduler.drain(10);
    at(T0.plus(Duration.ofDays(38)));
    node.scheduler.drain(10);

    // with keep 0, a free version is retired and at once scheduled for destruction
    assertThat(node.keys.get("default", "free").requireVersion(1).state()).isEqualTo(VersionState.DESTROY_SCHEDULED);
    assertThat(node.keys.get("default", "held").requireVersion(1).state()).as("stored DEK").isEqualTo(VersionState.ACTIVE);
    assertThat(node.keys.get("default", "used").requireVersion(1).state()).as("consumer").isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void pruning_leavesVersionsRetired_whereDestructionNeedsApproval() {
    node.put(new PolicySpec("namespace:default", "P30D", null, null, null, "P7D", 0, true, null, null, "P10D"), T0);
    node.keys.create("default", "guarded", KeyType.AES256_GCM, Map.of());
    node.keys.guardDestruction(namespace -> namespace.equals("default"));
    node.scheduler.drain(10);

    at(T0.plus(Duration.ofDays(30)));
    node.scheduler.drain(10);
    at(T0.plus(Duration.ofDays(38)));
    node.scheduler.drain(10);

    // retired as the policy says, but its destruction waits for a person's approved request
    assertThat(node.keys.get("default", "guarded").requireVersion(1).state()).isEqualTo(VersionState.RETIRED);
  }

  @Test
  void signingLead_publishesPendingAhead_thenPromotesAtTheDueTime() {
    node.put(new PolicySpec("namespace:default", "P30D", null, null, null, null, null, null, null, "P2D", null), T0);
    node.keys.create("default", "jwt", KeyType.ED25519, Map.of());
    node.scheduler.drain(10);

    at(T0.plus(Duration.ofDays(28)));
    node.scheduler.drain(10);
    Key k = node.keys.get("default", "jwt");
    assertThat(k.requireVersion(2).state()).isEqualTo(VersionState.PENDING);
    assertThat(k.primary().number()).isEqualTo(1);

    at(T0.plus(Duration.ofDays(30)));
    node.scheduler.drain(10);
    k = node.keys.get("default", "jwt");
    assertThat(k.primary().number()).isEqualTo(2);
    assertThat(k.latestVersion()).isEqualTo(2);
    assertThat(runs("default", "jwt")).singleElement().returns(T0.plus(Duration.ofDays(30)), Run::scheduledAt)
        .returns(2, Run::version).returns(T0.plus(Duration.ofDays(30)), Run::completedAt);
  }

  @Test
  void expiryNotices_fireOncePerVersionAndThreshold_alsoAfterDowntime() {
    node.put(new PolicySpec("namespace:default", null, null, "P90D", List.of("P30D", "P7D"), null, null, null, null,
        null, null), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    assertThat(store.schedules().find("default", "k").orElseThrow().dueAt()).isEqualTo(T0.plus(Duration.ofDays(1)));

    at(T0.plus(Duration.ofDays(60)));
    node.scheduler.drain(10);
    node.scheduler.drain(10);
    assertThat(events(EventType.KEY_NEAR_EXPIRY)).singleElement()
        .satisfies(e -> assertThat(e.event().data()).containsEntry("notify_before", "P30D").containsEntry("version", 1));

    at(T0.plus(Duration.ofDays(200)));
    node.scheduler.drain(10);
    at(T0.plus(Duration.ofDays(201)));
    node.scheduler.drain(10);
    assertThat(events(EventType.KEY_NEAR_EXPIRY)).hasSize(1);
    assertThat(events(EventType.KEY_EXPIRED)).singleElement()
        .satisfies(e -> assertThat(e.event().subject()).isEqualTo("keys/k/versions/1"));
  }

  @Test
  void cron_rotatesAtTheCronTimesInUtc() {
    node.put(new PolicySpec("namespace:default", null, "0 3 1 * *", null, null, null, null, null, null, null, null), T0);
    node.keys.create("default", "k", KeyType.HMAC_SHA256, Map.of());
    node.scheduler.drain(10);
    while (clock.instant().isBefore(Instant.parse("2026-02-02T00:00:00Z"))) {
      at(store.schedules().earliestDue().orElseThrow());
      node.scheduler.drain(10);
    }
    assertThat(runs("default", "k")).extracting(r -> r.scheduledAt().toString())
        .startsWith("2026-01-01T03:00:00Z", "2026-02-01T03:00:00Z");
  }

  @Test
  void runAlreadyRecorded_isNotRunAgain() {
    node.put(SchedulerNode.every("namespace:default", "P1D"), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    // another node recorded this scheduled run (its rotation committed with it)
    store.schedules().insertRun(new Run("default", "k", T0.plus(Duration.ofDays(1)), 2, T0, T0));
    at(T0.plus(Duration.ofDays(1)));

    assertThat(node.scheduler.tick().rotated()).isZero();
    assertThat(store.keys().find("default", "k").orElseThrow().latestVersion()).isEqualTo(1);
    assertThat(store.schedules().find("default", "k").orElseThrow().nextRotationAt())
        .isEqualTo(T0.plus(Duration.ofDays(2)));
  }

  @Test
  void failureAfterTheRotation_rollsItBack_andTheNodeCachesNoPhantomVersion() {
    node.put(new PolicySpec("namespace:default", "P1D", null, null, null, "PT1H", null, true, null, null, null), T0);
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    assertThat(node.cache.get("default", "k").key().latestVersion()).isEqualTo(1);
    lastUse.set(null); // auto-retire asks the usage port right after the rotation, and it fails
    at(T0.plus(Duration.ofDays(1)));

    TickResult r = node.scheduler.tick();

    assertThat(r.rotated()).isZero();
    assertThat(r.failed()).isEqualTo(1);
    assertThat(store.keys().find("default", "k").orElseThrow().latestVersion()).isEqualTo(1);
    assertThat(node.cache.get("default", "k").key().latestVersion()).isEqualTo(1);
    assertThat(events(EventType.KEY_NEW_VERSION_CREATED)).hasSize(1);
    assertThat(events(EventType.ROTATION_FAILED)).hasSize(1);
    assertThat(runs("default", "k")).isEmpty();
  }

  /**
   * Node A's lease expires while it is still in the middle of a rotation; node B (another store on
   * the same database) takes the key over. Whatever the interleaving, the key rotates exactly once.
   */
  @Test
  void noPolicy_keyIsNeverRotated_andNotDueAgain() {
    node.keys.create("default", "k", KeyType.AES256_GCM, Map.of());
    node.scheduler.drain(10);
    assertThat(store.schedules().find("default", "k").orElseThrow().dueAt()).isNull();
    assertThat(store.schedules().earliestDue()).isEmpty();
  }

  /**
   * Two nodes (two stores, two key services, two schedulers) on one database tick at the same time:
   * every due key is rotated exactly once.
   */
}
