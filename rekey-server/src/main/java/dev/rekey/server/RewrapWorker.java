package dev.rekey.server;

import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignRunner;
import dev.rekey.core.campaign.RewrapCampaignRunner.Result;
import dev.rekey.core.campaign.RewrapCampaignRunner.Step;
import dev.rekey.core.campaign.RewrapPlanner;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of re-wrap campaigns on this node: every {@code planInterval} it asks the
 * planner for campaigns to start; in between it claims runnable campaigns and runs their batches,
 * each after its own throttle delay, so a slow campaign does not hold up another. While a campaign
 * waits, the worker looks at it once per poll interval, so a shorter delay, a pause or a lost lease
 * takes effect within a second. Does nothing while sealed. {@link #close()} stops it after
 * the batch in flight, gives the leases back and stops the runner's prefetch thread.
 */
final class RewrapWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RewrapWorker.class);

  private final RewrapCampaignRunner runner;
  private final RewrapPlanner planner;
  private final BooleanSupplier sealed;
  private final Duration planInterval;
  private final Duration idlePoll;
  private final Thread thread;
  private volatile boolean stopped;
  /** Campaigns this node holds the lease of, and when each may run its next batch (throttling). */
  private final Map<Long, Pace> held = new ConcurrentHashMap<>();

  /** {@code planner} null: campaigns start only on request. */
  RewrapWorker(RewrapCampaignRunner runner, RewrapPlanner planner, BooleanSupplier sealed, Duration planInterval,
      Duration idlePoll) {
    this.runner = runner;
    this.planner = planner;
    this.sealed = sealed;
    this.planInterval = planInterval;
    this.idlePoll = idlePoll;
    this.thread = new Thread(this::loop, "rekey-rewrap");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    long nextPlan = System.nanoTime();
    while (!stopped) {
      try {
        if (sealed.getAsBoolean()) {
          pause(idlePoll.toMillis());
          continue;
        }
        long now = System.nanoTime();
        if (planner != null && now - nextPlan >= 0) {
          nextPlan = now + planInterval.toNanos();
          planner.plan().forEach(c -> LOG.info("started re-wrap campaign {} for key {}/{} (v{} -> v{}, {} data keys)",
              c.id(), c.namespace(), c.kek(), c.fromVersion(), c.toVersion(), c.total()));
        }
        recheckWaiting(now);
        Long due = due(now);
        if (due == null) {
          due = runner.claim(held.keySet()).orElse(null);
          if (due != null) {
            held.put(due, new Pace(now, now, 0, now));
          }
        }
        if (due == null) {
          pause(Math.min(idlePoll.toMillis(), untilNext(now)));
          continue;
        }
        Result r = runner.batch(due, held.get(due).waited());
        if (r.step() == Step.BATCH) {
          long after = System.nanoTime();
          long delay = r.delayMillis() * 1_000_000;
          held.put(due, new Pace(after, after + delay, delay, after + idlePoll.toNanos()));
        } else {
          LOG.info("re-wrap campaign {} stopped on this node", due);
          held.remove(due);
        }
      } catch (RuntimeException e) {
        LOG.warn("re-wrap work failed, retrying: {}", e.getMessage());
        pause(idlePoll.toMillis());
      }
    }
  }

  /**
   * When a held campaign's last batch ended, when it may run the next, the throttle delay it will
   * have waited by then, and when to look at the stored campaign again while waiting.
   */
  private record Pace(long lastEnd, long notBefore, long waited, long nextCheck) {}

  /**
   * While a campaign waits out its throttle delay, looks at it once per poll interval: a shorter
   * delay applies at once, and a paused, cancelled-and-done or taken-over campaign is let go.
   */
  private void recheckWaiting(long now) {
    for (Map.Entry<Long, Pace> e : held.entrySet()) {
      Pace p = e.getValue();
      if (now - p.notBefore() >= 0 || now - p.nextCheck() < 0) {
        continue;
      }
      RewrapCampaign c = runner.current(e.getKey()).orElse(null);
      if (c == null || !c.state().runnable() || !runner.owner().equals(c.leaseOwner())) {
        held.remove(e.getKey());
        continue;
      }
      long delay = c.delayMillis() * 1_000_000;
      long notBefore = Math.min(p.notBefore(), p.lastEnd() + delay);
      held.put(e.getKey(), new Pace(p.lastEnd(), notBefore, notBefore - p.lastEnd(), now + idlePoll.toNanos()));
    }
  }

  /** A held campaign whose throttle delay has passed, if any. */
  private Long due(long now) {
    for (Map.Entry<Long, Pace> e : held.entrySet()) {
      if (now - e.getValue().notBefore() >= 0) {
        return e.getKey();
      }
    }
    return null;
  }

  private long untilNext(long now) {
    long min = Long.MAX_VALUE;
    for (Pace p : held.values()) {
      min = Math.min(min, Math.max(1, (p.notBefore() - now) / 1_000_000));
    }
    return min;
  }

  private void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Long id : held.keySet()) {
      try {
        runner.release(id);
      } catch (RuntimeException e) {
        LOG.warn("could not release the lease of re-wrap campaign {}: {}", id, e.getMessage());
      }
    }
    runner.close();
  }
}
