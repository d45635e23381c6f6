package dev.rekey.core.policy;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.event.KeyEvents;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.ScheduleRepository;
import dev.rekey.core.port.ScheduleRepository.Entry;
import dev.rekey.core.port.ScheduleRepository.Run;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.service.KeyService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The work of one scheduler pass over one key, run inside the pass's transaction: the due rotation
 * (or, for signing keys with a publish lead, the pre-publication and later promotion), the
 * retirement of previous primaries after the dual-running window, destruction scheduling beyond the
 * retired-versions count and the expiry notices. It then computes when the key is next due.
 * Everything it writes (key, run record, notices, events, schedule row) commits together.
 */
final class KeyPass {
  static final String EXPIRED = "expired";

  private final KeyService keys;
  private final ScheduleRepository schedules;
  private final EventOutbox outbox;
  private final VersionUsage usage;
  private final SchedulerConfig config;

  KeyPass(KeyService keys, ScheduleRepository schedules, EventOutbox outbox, VersionUsage usage,
      SchedulerConfig config) {
    this.keys = keys;
    this.schedules = schedules;
    this.outbox = outbox;
    this.usage = usage;
    this.config = config;
  }

  /** What happened in a pass, for the tick's result. */
  enum Outcome { ROTATED, PUBLISHED, IDLE }

  Outcome run(Entry e, Optional<RotationPolicy> found, Instant now) {
    Key key = keys.get(e.namespace(), e.name());
    if (found.isEmpty()) {
      release(e, e.anchorAt(), null, null, e.lastRunAt());
      return Outcome.IDLE;
    }
    RotationPolicy policy = found.get();
    Instant anchor = e.anchorAt() != null ? e.anchorAt() : key.primary().createdAt();
    Instant lastRun = e.lastRunAt();
    Outcome outcome = Outcome.IDLE;
    Instant nextRotation = null;
    Instant due = null;
    if (policy.schedule() != null) {
      Span lead = publishLead(policy, key);
      Instant scheduled = policy.schedule().nextAfter(anchor, lastRun != null ? lastRun : anchor);
      Instant rotateAt = scheduled.plus(jitter(policy, key, scheduled));
      Instant publishAt = lead == null ? null : lead.subtractFrom(rotateAt);
      if (!rotateAt.isAfter(now)) {
        Key before = key;
        key = rotateOrPromote(key, scheduled, now);
        outcome = key.revision() != before.revision() ? Outcome.ROTATED : Outcome.IDLE;
        lastRun = now;
        scheduled = policy.schedule().nextAfter(anchor, now);
        rotateAt = scheduled.plus(jitter(policy, key, scheduled));
        publishAt = lead == null ? null : lead.subtractFrom(rotateAt);
      }
      if (publishAt != null && !publishAt.isAfter(now)
          && schedules.findRun(key.namespace(), key.name(), scheduled).isEmpty()) {
        key = keys.rotate(key.namespace(), key.name(), false);
        recordRun(key, scheduled, now, null);
        outcome = outcome == Outcome.IDLE ? Outcome.PUBLISHED : outcome;
      }
      nextRotation = scheduled;
      due = publishAt != null && publishAt.isAfter(now) ? publishAt : rotateAt;
    }
    key = retireAndPrune(key, policy, now);
    due = earliest(due, retireCheck(key, policy, now));
    due = earliest(due, notices(key, policy, now));
    if (policy.versionLifetime() != null || policy.autoRetire() || policy.retiredToKeep() != null) {
      // versions created or retired by hand change what is due; look again at least this often
      due = earliest(due, now.plus(config.recheck()));
    }
    release(e, anchor, nextRotation, due, lastRun);
    return outcome;
  }

  private static Span publishLead(RotationPolicy policy, Key key) {
    return key.type().purpose() == KeyPurpose.SIGNING ? policy.publishLead() : null;
  }

  /** Rotates now, or promotes the version published ahead for this scheduled time. */
  private Key rotateOrPromote(Key key, Instant scheduled, Instant now) {
    Optional<Run> run = schedules.findRun(key.namespace(), key.name(), scheduled);
    if (run.isPresent()) {
      if (run.get().completedAt() == null) {
        int v = run.get().version();
        Optional<KeyVersion> pending = key.version(v).filter(x -> x.state() == VersionState.PENDING);
        if (pending.isPresent()) {
          key = keys.change(key.namespace(), key.name(), k -> k.promote(v, now));
        }
        schedules.completeRun(key.namespace(), key.name(), scheduled, now);
      }
      return key;
    }
    key = keys.rotate(key.namespace(), key.name(), true);
    recordRun(key, scheduled, now, now);
    return key;
  }

  private void recordRun(Key key, Instant scheduled, Instant now, Instant completed) {
    if (!schedules.insertRun(new Run(key.namespace(), key.name(), scheduled, key.latestVersion(), now, completed))) {
      // Another node ran it first: throwing rolls this whole pass back, so nothing rotates twice.
      throw new AlreadyRan(key.namespace() + "/" + key.name() + " @ " + scheduled);
    }
  }

  /** Retires previous primaries past the dual-running window and schedules destruction beyond the keep count. */
  private Key retireAndPrune(Key key, RotationPolicy policy, Instant now) {
    List<Integer> toRetire = new ArrayList<>();
    if (policy.autoRetire()) {
      for (KeyVersion v : key.versions()) {
        if (v.state() == VersionState.ACTIVE && retireAt(key, v, policy) != null && !retireAt(key, v, policy).isAfter(now)) {
          toRetire.add(v.number());
        }
      }
    }
    List<Integer> toDestroy = new ArrayList<>();
    if (policy.retiredToKeep() != null) {
      int kept = 0;
      for (int i = key.versions().size() - 1; i >= 0; i--) {
        KeyVersion v = key.versions().get(i);
        if (v.state() == VersionState.RETIRED || toRetire.contains(v.number())) {
          if (++kept > policy.retiredToKeep()) {
            toDestroy.add(v.number());
          }
        }
      }
    }
    // consumers still on a version, or stored data keys wrapped by it, hold it back (it is looked at
    // again at the next recheck), as they hold back a person's retire or schedule-destroy
    toRetire.removeIf(v -> !keys.mayTakeAwayAutomatically(key.namespace(), key.name(), v));
    toDestroy.removeIf(v -> !keys.mayTakeAwayAutomatically(key.namespace(), key.name(), v));
    if (!toDestroy.isEmpty() && !keys.mayDestroyAutomatically(key.namespace())) {
      toDestroy.clear(); // destruction there waits for a person's request and its approval
    }
    if (toRetire.isEmpty() && toDestroy.isEmpty()) {
      return key;
    }
    Instant destroyAt = policy.destroyAfter().addTo(now);
    Instant minimum = now.plus(keys.minimumDestroyWait());
    Instant when = destroyAt.isBefore(minimum) ? minimum : destroyAt;
    return keys.change(key.namespace(), key.name(), k -> {
      Key next = k;
      for (int v : toRetire) {
        if (next.requireVersion(v).state() == VersionState.ACTIVE) {
          next = next.retire(v, now);
        }
      }
      for (int v : toDestroy) {
        if (next.requireVersion(v).state() == VersionState.RETIRED) {
          next = next.scheduleDestruction(v, when, now);
        }
      }
      return next;
    });
  }

  /**
   * When an ACTIVE version may be retired: the end of its dual-running window, pushed back while the
   * usage port shows use within the window. Null when it is not to be retired automatically.
   */
  private Instant retireAt(Key key, KeyVersion v, RotationPolicy policy) {
    Instant windowEnd = policy.dualRunning().addTo(v.stateChangedAt());
    Optional<Instant> lastUse = usage.lastUsedAt(key.namespace(), key.name(), v.number());
    if (lastUse.isPresent()) {
      Instant quietUntil = policy.dualRunning().addTo(lastUse.get());
      return quietUntil.isAfter(windowEnd) ? quietUntil : windowEnd;
    }
    return windowEnd;
  }

  private Instant retireCheck(Key key, RotationPolicy policy, Instant now) {
    Instant next = null;
    if (policy.autoRetire()) {
      for (KeyVersion v : key.versions()) {
        if (v.state() == VersionState.ACTIVE) {
          Instant at = retireAt(key, v, policy);
          next = earliest(next, at.isAfter(now) ? at : now.plus(config.retryBase()));
        }
      }
    }
    return next;
  }

  /** Fires the expiry notices that are due and not yet fired; returns when the next one is due. */
  private Instant notices(Key key, RotationPolicy policy, Instant now) {
    if (policy.versionLifetime() == null) {
      return null;
    }
    Instant next = null;
    List<Event> events = new ArrayList<>();
    for (KeyVersion v : key.versions()) {
      if (!(v.state() == VersionState.PRIMARY || v.state() == VersionState.ACTIVE || v.state() == VersionState.PENDING)) {
        continue;
      }
      Instant expiry = policy.versionLifetime().addTo(v.createdAt());
      if (!expiry.isAfter(now)) {
        if (schedules.insertNotice(key.namespace(), key.name(), v.number(), EXPIRED, now)) {
          events.add(notice(EventType.KEY_EXPIRED, key, v, expiry, null, now));
        }
        continue;
      }
      next = earliest(next, expiry);
      for (Span before : policy.notifyBefore()) {
        Instant at = before.subtractFrom(expiry);
        if (at.isAfter(now)) {
          next = earliest(next, at);
        } else if (schedules.insertNotice(key.namespace(), key.name(), v.number(), before.text(), now)) {
          events.add(notice(EventType.KEY_NEAR_EXPIRY, key, v, expiry, before.text(), now));
        }
      }
    }
    outbox.append(events);
    return next;
  }

  private static Event notice(EventType type, Key key, KeyVersion v, Instant expiry, String threshold, Instant now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", key.name());
    data.put("key_type", key.type().wireName());
    data.put("version", v.number());
    data.put("expires_at", expiry.toString());
    if (threshold != null) {
      data.put("notify_before", threshold);
    }
    return Event.of(type, now, key.namespace(), KeyEvents.subject(key, v.number()), key.tags(), data);
  }

  private void release(Entry e, Instant anchor, Instant nextRotation, Instant due, Instant lastRun) {
    if (!schedules.complete(e.namespace(), e.name(), config.nodeId(), e.dueAt(), anchor, nextRotation, due,
        lastRun)) {
      throw new LeaseLost(e.namespace() + "/" + e.name());
    }
  }

  /** A stable pseudo-random delay below the policy's jitter for this key and scheduled time. */
  static Duration jitter(RotationPolicy policy, Key key, Instant scheduled) {
    if (policy.jitter() == null) {
      return Duration.ZERO;
    }
    long bound = policy.jitter().approximate().toNanos();
    long h = mix((key.namespace() + "/" + key.name()).hashCode() * 31L + scheduled.getEpochSecond());
    return Duration.ofNanos(Math.floorMod(h, bound));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /** Another node completed this scheduled run first; the pass rolls back and is not a failure. */
  static final class AlreadyRan extends RuntimeException {
    AlreadyRan(String what) {
      super("scheduled run already recorded: " + what, null, false, false);
    }
  }

  /** This node's lease expired and another node took the key over; the pass rolls back. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String what) {
      super("lease lost: " + what, null, false, false);
    }
  }
}
