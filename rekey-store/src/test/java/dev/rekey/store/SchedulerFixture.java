package dev.rekey.store;

import dev.rekey.core.event.EventType;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.port.ScheduleRepository.Run;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.MutableClock;
import dev.rekey.store.JdbcEventOutbox.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;

/** A scheduler node over a real store with a test clock, and helpers, for the scheduler contracts. */
abstract class SchedulerFixture extends StoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  MutableClock clock;
  RootKeyring ring;
  SchedulerNode node;
  final AtomicReference<Optional<Instant>> lastUse = new AtomicReference<>(Optional.empty());

  @BeforeEach
  void node() {
    clock = new MutableClock(T0);
    ring = RootKeyring.generate(T0);
    node = node(store, "node-1", Duration.ofDays(1));
  }

  SchedulerNode node(Store s, String id, Duration recheck) {
    VersionUsage usage = (ns, key, v) -> {
      Optional<Instant> u = lastUse.get();
      if (u == null) {
        throw new IllegalStateException("usage store unavailable");
      }
      return u;
    };
    return new SchedulerNode(s, ring, clock, SchedulerConfig.defaults(id).withRecheck(recheck), usage);
  }

  void at(Instant t) {
    clock.advance(Duration.between(clock.instant(), t));
  }

  List<Run> runs(String ns, String name) {
    return store.schedules().runs(ns, name);
  }

  List<StoredEvent> events(EventType type) {
    return store.events().after(0, 100_000).stream().filter(e -> e.event().type() == type).toList();
  }
}
