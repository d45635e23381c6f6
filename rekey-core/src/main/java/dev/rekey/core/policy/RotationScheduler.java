package dev.rekey.core.policy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.PolicyRepository;
import dev.rekey.core.port.ScheduleRepository;
import dev.rekey.core.port.ScheduleRepository.Entry;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.service.KeyService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rotation policies. Each {@link #tick} gives newly created keys a schedule row, leases the
 * keys that are due (an indexed range read: a tick costs what is due, not the number of keys) and
 * runs one {@link KeyPass} per key in its own transaction, which also records the run (idempotency
 * key: key plus scheduled time) and the key's next due time. Several nodes may tick at once: the
 * lease gives each due key to one node, the run record makes a second attempt of the same
 * scheduled run roll back, and a lease left behind by a dead node expires and is taken over.
 *
 * <p>A failed pass is rolled back and recorded with a {@code RotationFailed} event in one
 * transaction; the key is retried with exponential backoff. Time comes only from the injected clock.
 */
public final class RotationScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(RotationScheduler.class);

  private final ScheduleRepository schedules;
  private final PolicyRepository policies;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Clock clock;
  private final SchedulerConfig config;
  private final KeyPass pass;

  /** What one tick did. */
  public record TickResult(int claimed, int rotated, int published, int failed, int discovered) {
    public boolean idle() {
      return claimed == 0 && discovered == 0;
    }
  }

  public RotationScheduler(KeyService keys, Stores stores, VersionUsage usage, Clock clock, SchedulerConfig config) {
    this.schedules = stores.schedules();
    this.policies = stores.policies();
    this.transactions = stores.transactions();
    this.outbox = stores.outbox();
    this.clock = clock;
    this.config = config;
    this.pass = new KeyPass(keys, schedules, outbox, usage, config);
  }

  /** The storage ports the scheduler writes to, all joining one {@link Transactions}. */
  public record Stores(ScheduleRepository schedules, PolicyRepository policies, Transactions transactions,
      EventOutbox outbox) {}

  /** One round: discover new keys, then run up to {@code batch} due keys. */
  public TickResult tick() {
    Instant now = clock.instant();
    int discovered = schedules.discoverNewKeys(now, config.discoverBatch());
    List<Entry> due = schedules.claimDue(now, config.nodeId(), now.plus(config.lease()), config.batch());
    if (due.isEmpty()) {
      return new TickResult(0, 0, 0, 0, discovered);
    }
    Policies snapshot = Policies.load(policies);
    List<Result> results = new ArrayList<>(due.size());
    for (int from = 0; from < due.size(); from += config.group()) {
      List<Entry> group = due.subList(from, Math.min(due.size(), from + config.group()));
      List<Result> groupResults = new ArrayList<>(group.size());
      try {
        // One commit for the group; each pass (and each failure record) is its own savepoint inside it.
        transactions.run(() -> group.forEach(e -> groupResults.add(runOne(e, snapshot, now))));
        results.addAll(groupResults);
      } catch (RuntimeException commitFailed) {
        // Nothing of the group is stored; its leases expire and the keys are taken again.
        LOG.warn("scheduler could not commit a group of {} keys: {}", group.size(), commitFailed.getMessage());
        group.forEach(e -> results.add(Result.FAILED));
      }
    }
    int rotated = (int) results.stream().filter(r -> r == Result.ROTATED).count();
    int published = (int) results.stream().filter(r -> r == Result.PUBLISHED).count();
    int failed = (int) results.stream().filter(r -> r == Result.FAILED).count();
    return new TickResult(due.size(), rotated, published, failed, discovered);
  }

  /** Ticks until nothing is due at the clock's current time (or {@code maxTicks} ran). */
  public int drain(int maxTicks) {
    int ticks = 0;
    while (ticks < maxTicks && !tick().idle()) {
      ticks++;
    }
    return ticks;
  }

  private enum Result { ROTATED, PUBLISHED, IDLE, FAILED, SKIPPED }

  private Result runOne(Entry e, Policies snapshot, Instant now) {
    try {
      KeyPass.Outcome outcome = transactions.inTransaction(() -> pass.run(e,
          resolve(snapshot, e), now));
      return switch (outcome) {
        case ROTATED -> Result.ROTATED;
        case PUBLISHED -> Result.PUBLISHED;
        case IDLE -> Result.IDLE;
      };
    } catch (KeyPass.AlreadyRan | KeyPass.LeaseLost skipped) {
      LOG.info("scheduler skipped a key another node handled: {}", skipped.getMessage());
      return Result.SKIPPED;
    } catch (RuntimeException failure) {
      recordFailure(e, failure, now);
      return Result.FAILED;
    }
  }

  private static Optional<RotationPolicy> resolve(Policies snapshot, Entry e) {
    return snapshot.resolve(e.namespace(), e.name(), dev.rekey.core.key.KeyType.fromWire(e.keyType()));
  }

  private void recordFailure(Entry e, RuntimeException failure, Instant now) {
    String message = failure instanceof RekeyException r ? r.getMessage() : failure.getClass().getSimpleName();
    int failures = e.failures() + 1;
    Instant retryAt = now.plus(config.retryDelay(failures));
    LOG.warn("rotation of {}/{} failed (attempt {}), retry at {}: {}", e.namespace(), e.name(), failures, retryAt,
        message);
    try {
      transactions.run(() -> {
        if (schedules.fail(e.namespace(), e.name(), config.nodeId(), failures, message, retryAt)) {
          outbox.append(List.of(rotationFailed(e, failures, message, retryAt, now)));
        }
      });
    } catch (RuntimeException storing) {
      LOG.error("could not record the failed rotation of {}/{}; the lease expires and another pass retries",
          e.namespace(), e.name(), storing);
    }
  }

  private static Event rotationFailed(Entry e, int failures, String message, Instant retryAt, Instant now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", e.name());
    data.put("key_type", e.keyType());
    data.put("attempt", failures);
    data.put("error", message);
    data.put("retry_at", retryAt.toString());
    if (e.nextRotationAt() != null) {
      data.put("scheduled_at", e.nextRotationAt().toString());
    }
    return Event.of(EventType.ROTATION_FAILED, now, e.namespace(), "keys/" + e.name(), Map.of(), data);
  }

  /** Visible for the status view. */
  public SchedulerConfig config() {
    return config;
  }

}
