package dev.rekey.store;

import dev.rekey.core.campaign.RewrapCampaignRunner;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.campaign.RewrapPlanner;
import dev.rekey.core.dek.DekService;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** One node's DEK and campaign services over a real store, with a settable clock. */
final class DekNode {
  static final Duration LEASE = Duration.ofSeconds(30);

  final Store store;
  final TestClock clock;
  final KeyCache cache;
  final KeyService keys;
  final DekService deks;
  final RewrapCampaignService campaigns;
  final RewrapCampaignRunner runner;
  final RewrapPlanner planner;

  DekNode(Store store, RootKeyring ring, TestClock clock, String owner, int batchSize) {
    this.store = store;
    this.clock = clock;
    this.cache = new KeyCache(store.keys(), () -> ring, Duration.ZERO);
    this.keys = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring, cache, clock,
        Duration.ofDays(1), store.storedDekVersions());
    this.deks = new DekService(store.deks(), cache, clock);
    this.campaigns = new RewrapCampaignService(store.campaigns(), store.deks(), cache, clock, batchSize);
    this.runner = new RewrapCampaignRunner(store.campaigns(), store.deks(), store.transactions(), store.events(),
        cache, clock, LEASE, owner);
    this.planner = new RewrapPlanner(store.deks(), store.campaigns(), campaigns, cache);
  }

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
