package dev.rekey.store;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.policy.RotationScheduler;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** One Rekey node for scheduler tests: real key service and scheduler over a real store. */
final class SchedulerNode {
  static final Duration MIN_DESTROY_WAIT = Duration.ofDays(7);

  final Store store;
  final KeyService keys;
  final KeyCache cache;
  final RotationScheduler scheduler;

  SchedulerNode(Store store, RootKeyring ring, Clock clock, SchedulerConfig config, VersionUsage usage) {
    this.store = store;
    this.cache = new KeyCache(store.keys(), () -> ring, Duration.ofMinutes(10));
    this.keys = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring, cache, clock,
        MIN_DESTROY_WAIT, store.storedDekVersions());
    this.scheduler = new RotationScheduler(keys, new RotationScheduler.Stores(store.schedules(), store.policies(),
        store.transactions(), store.events()), usage, clock, config);
  }

  static PolicySpec every(String scope, String period) {
    return new PolicySpec(scope, period, null, null, null, null, null, null, null, null, null);
  }

  void put(PolicySpec spec, Instant at) {
    store.policies().put(spec, at);
    store.schedules().markDue(null, null, null, at);
  }
}
