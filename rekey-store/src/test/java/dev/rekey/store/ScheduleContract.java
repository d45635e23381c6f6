package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.port.ScheduleRepository.Entry;
import dev.rekey.core.port.ScheduleRepository.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** The scheduler's storage: discovery, leases, run idempotency, notices, policies. Every dialect. */
abstract class ScheduleContract extends StoreContract {
  private static final Instant LEASE = T0.plus(Duration.ofMinutes(5));
  private static final BiPredicate<String, String> ALL = (namespace, name) -> true;

  private JdbcScheduleRepository schedules() {
    return store.schedules();
  }

  private void keys(int n) {
    for (int i = 0; i < n; i++) {
      store.keys().insert(simple("default", "k" + i));
    }
  }

  @Test
  void discoverNewKeys_addsEachKeyOnce_inBatches() {
    keys(5);
    assertThat(schedules().discoverNewKeys(T0, 3)).isEqualTo(3);
    assertThat(schedules().discoverNewKeys(T0, 3)).isEqualTo(2);
    assertThat(schedules().discoverNewKeys(T0, 3)).isZero();
    store.keys().insert(simple("default", "late"));
    assertThat(schedules().discoverNewKeys(T0, 3)).isEqualTo(1);
    assertThat(schedules().find("default", "late")).get().extracting(Entry::keyType).isEqualTo("aes256-gcm");
  }

  @Test
  void claimDue_givesEachDueRowToOneOwner_untilTheLeaseExpires() {
    keys(3);
    schedules().discoverNewKeys(T0, 10);

    assertThat(schedules().claimDue(T0.minusNanos(1), "a", LEASE, 10)).isEmpty();
    List<Entry> a = schedules().claimDue(T0, "a", LEASE, 2);
    List<Entry> b = schedules().claimDue(T0, "b", LEASE, 10);
    assertThat(a).hasSize(2);
    assertThat(b).hasSize(1).extracting(Entry::name).doesNotContainAnyElementsOf(a.stream().map(Entry::name).toList());
    assertThat(schedules().claimDue(LEASE.minusNanos(1), "c", LEASE.plusSeconds(60), 10)).isEmpty();

    List<Entry> takenOver = schedules().claimDue(LEASE.plusNanos(1), "c", LEASE.plusSeconds(60), 10);
    assertThat(takenOver).hasSize(3);
    assertThat(schedules().complete("default", a.get(0).name(), "a", T0, T0, null, null, null)).isFalse();
    assertThat(schedules().complete("default", a.get(0).name(), "c", T0, T0, T0.plusSeconds(9), T0.plusSeconds(10),
        T0))
        .isTrue();
    assertThat(schedules().find("default", a.get(0).name()).orElseThrow())
        .returns(T0.plusSeconds(10), Entry::dueAt).returns(T0.plusSeconds(9), Entry::nextRotationAt)
        .returns(T0, Entry::lastRunAt);
  }

  @Test
  void complete_keepsADueTimeSetByAPolicyChangeDuringTheLease() {
    keys(2);
    schedules().discoverNewKeys(T0, 10);
    schedules().claimDue(T0, "a", LEASE, 10);
    schedules().markDue("default", "k0", null, T0.plusSeconds(30)); // a policy changed meanwhile

    schedules().complete("default", "k0", "a", T0, T0, null, T0.plus(Duration.ofDays(90)), null);
    schedules().complete("default", "k1", "a", T0, T0, null, T0.plus(Duration.ofDays(90)), null);

    assertThat(schedules().find("default", "k0").orElseThrow().dueAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(schedules().find("default", "k1").orElseThrow().dueAt()).isEqualTo(T0.plus(Duration.ofDays(90)));
  }

  @Test
  void fail_countsFailures_andMakesTheRowDueAtTheRetryTime() {
    keys(1);
    schedules().discoverNewKeys(T0, 10);
    schedules().claimDue(T0, "a", LEASE, 10);
    assertThat(schedules().fail("default", "k0", "a", 1, "storage busy", T0.plusSeconds(60))).isTrue();

    assertThat(schedules().failed(ALL, 10)).singleElement().returns(1, Entry::failures).returns("storage busy", Entry::lastError);
    assertThat(schedules().claimDue(T0.plusSeconds(59), "a", LEASE, 10)).isEmpty();
    assertThat(schedules().claimDue(T0.plusSeconds(60), "a", LEASE, 10)).hasSize(1);
  }

  @Test
  void insertRun_secondRunWithTheSameIdempotencyKey_isRefused() {
    Run run = new Run("default", "k0", T0, 2, T0, T0);
    assertThat(schedules().insertRun(run)).isTrue();
    assertThat(schedules().insertRun(new Run("default", "k0", T0, 3, T0.plusSeconds(1), null))).isFalse();
    assertThat(schedules().findRun("default", "k0", T0)).contains(run);
  }

  @Test
  void insertRun_rollsBackWithTheRotationItRecords() {
    keys(1);
    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.keys().update(store.keys().find("default", "k0").orElseThrow()
          .rotate(Fixtures.material("v2", "root-1"), true, T0), 0);
      schedules().insertRun(new Run("default", "k0", T0, 2, T0, T0));
      throw new IllegalStateException("crash before commit");
    })).hasMessage("crash before commit");

    assertThat(schedules().findRun("default", "k0", T0)).isEmpty();
    assertThat(store.keys().find("default", "k0").orElseThrow().latestVersion()).isEqualTo(1);
  }

  @Test
  void insertNotice_firesOncePerVersionAndThreshold() {
    assertThat(schedules().insertNotice("default", "k0", 1, "P30D", T0)).isTrue();
    assertThat(schedules().insertNotice("default", "k0", 1, "P30D", T0)).isFalse();
    assertThat(schedules().insertNotice("default", "k0", 1, "P7D", T0)).isTrue();
    assertThat(schedules().insertNotice("default", "k0", 2, "P30D", T0)).isTrue();
  }

  @Test
  void markDue_restrictsByNamespaceAndType() {
    keys(2);
    store.keys().insert(simple("other", "x"));
    schedules().discoverNewKeys(T0.plusSeconds(100), 10);
    assertThat(schedules().markDue("other", null, null, T0)).isEqualTo(1);
    assertThat(schedules().markDue(null, null, "hmac-sha256", T0)).isZero();
    assertThat(schedules().claimDue(T0, "a", LEASE, 10)).extracting(Entry::name).containsExactly("x");
    assertThat(schedules().earliestDue()).contains(T0);
  }

  @Test
  void calendarQueries_orderByNextRotation() {
    keys(3);
    schedules().discoverNewKeys(T0, 10);
    schedules().claimDue(T0, "a", LEASE, 10);
    for (int i = 0; i < 3; i++) {
      schedules().complete("default", "k" + i, "a", T0, T0, T0.plus(Duration.ofDays(10L * (3 - i))),
          T0.plusSeconds(5), null);
    }
    assertThat(schedules().rotationsBefore(T0.plus(Duration.ofDays(20)), ALL, 10)).extracting(Entry::name)
        .containsExactly("k2", "k1");
    assertThat(schedules().rotationsBetween(T0.plus(Duration.ofDays(10)), T0.plus(Duration.ofDays(30)), ALL, 10))
        .extracting(Entry::name).containsExactly("k1", "k0");
  }

  /**
   * 25 rows the filter drops come before the 3 it keeps, all at the same next rotation (so paging
   * must break ties by namespace and name): a limit of 10 still finds the 3, each once.
   */
  @Test
  void statusQueries_rowsTheFilterDropsDoNotUseUpTheLimit() {
    keys(25);
    for (int i = 0; i < 3; i++) {
      store.keys().insert(simple("default", "visible-" + i));
    }
    schedules().discoverNewKeys(T0, 100);
    List<Entry> claimed = schedules().claimDue(T0, "a", LEASE, 100);
    assertThat(claimed).hasSize(28);
    for (Entry e : claimed) {
      schedules().complete(e.namespace(), e.name(), "a", T0, T0, T0.plus(Duration.ofDays(10)), T0.plusSeconds(5), null);
    }
    BiPredicate<String, String> visible = (namespace, name) -> name.startsWith("visible-");

    assertThat(schedules().rotationsBefore(T0.plus(Duration.ofDays(20)), visible, 10)).extracting(Entry::name)
        .containsExactly("visible-0", "visible-1", "visible-2");
    assertThat(schedules().rotationsBetween(T0, T0.plus(Duration.ofDays(30)), visible, 10)).extracting(Entry::name)
        .containsExactly("visible-0", "visible-1", "visible-2");
    assertThat(schedules().rotationsBefore(T0.plus(Duration.ofDays(20)), ALL, 10)).hasSize(10).doesNotHaveDuplicates();
    assertThat(schedules().rotationsBefore(T0.plus(Duration.ofDays(20)), (namespace, name) -> false, 10)).isEmpty();

    schedules().markDue(null, null, null, T0);
    for (Entry e : schedules().claimDue(T0, "a", LEASE, 100)) {
      int failures = e.name().startsWith("visible-") ? 1 : 2; // the dropped rows come first, most failures first
      schedules().fail(e.namespace(), e.name(), "a", failures, "boom", T0.plusSeconds(60));
    }
    assertThat(schedules().failed(visible, 2)).extracting(Entry::name).containsExactly("visible-0", "visible-1");
    assertThat(schedules().failed(visible, 10)).extracting(Entry::name)
        .containsExactly("visible-0", "visible-1", "visible-2");
  }

  /**
   * The pages are read one after another, not in one snapshot: a key whose next rotation moves
   * past the cursor between two pages (the scheduler completed it meanwhile) is read again on a
   * later page, and must not be listed twice.
   */
  @Test
  void statusQueries_aRowThatMovesBetweenPages_isListedOnce() {
    keys(25);
    for (int i = 0; i < 3; i++) {
      store.keys().insert(simple("default", "visible-" + i));
    }
    schedules().discoverNewKeys(T0, 100);
    for (Entry e : schedules().claimDue(T0, "a", LEASE, 100)) {
      schedules().complete(e.namespace(), e.name(), "a", T0, T0, T0.plus(Duration.ofDays(10)), T0.plusSeconds(5), null);
    }
    moveNextRotation("visible-0", T0.plus(Duration.ofDays(5))); // first on the first page
    boolean[] moved = {false};
    BiPredicate<String, String> visible = (namespace, name) -> {
      if (name.equals("visible-0") && !moved[0]) {
        moved[0] = true; // completed by the scheduler while the status pages through: now after the cursor
        moveNextRotation("visible-0", T0.plus(Duration.ofDays(20)));
      }
      return name.startsWith("visible-");
    };

    assertThat(schedules().rotationsBetween(T0, T0.plus(Duration.ofDays(30)), visible, 10)).extracting(Entry::name)
        .containsExactlyInAnyOrder("visible-0", "visible-1", "visible-2");
  }

  private void moveNextRotation(String name, Instant next) {
    schedules().markDue("default", name, null, T0);
    assertThat(schedules().claimDue(T0, "b", LEASE, 10)).extracting(Entry::name).containsExactly(name);
    schedules().complete("default", name, "b", T0, T0, next, T0.plusSeconds(5), null);
  }

  @Test
  void policies_putGetListDelete() {
    PolicySpec a = SchedulerNode.every("namespace:a", "P3M");
    PolicySpec b = new PolicySpec("key:a/b", null, "0 3 * * *", "P1Y", List.of("P30D"), "P7D", 2, true, "PT1H", null,
        "P30D");
    store.policies().put(a, T0);
    store.policies().put(b, T0);
    store.policies().put(a, T0.plusSeconds(1));
    assertThat(store.policies().all()).containsExactly(b, a);
    assertThat(store.policies().get("key:a/b")).contains(b);
    assertThat(store.policies().delete("key:a/b")).isTrue();
    assertThat(store.policies().delete("key:a/b")).isFalse();
    assertThat(store.policies().all()).containsExactly(a);
  }
}
