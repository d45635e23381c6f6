package dev.rekey.core.policy;

import dev.rekey.api.PolicyDiff;
import dev.rekey.api.PolicySpec;
import dev.rekey.api.RotationStatus;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.PolicyRepository;
import dev.rekey.core.port.ScheduleRepository;
import dev.rekey.core.port.ScheduleRepository.Entry;
import dev.rekey.core.port.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Policies as code and the scheduler's status. {@link #apply} validates every policy of a file
 * before storing any (all or nothing), compares each with the stored one in canonical form (so
 * applying the same file twice changes nothing) and makes the keys in a changed scope due at once,
 * so the scheduler recomputes their schedules on its next tick.
 */
public final class PolicyService {
  public static final int MAX_POLICIES_PER_FILE = 1000;
  static final int STATUS_LIMIT = 1000;
  static final Duration CALENDAR = Duration.ofDays(30);

  private final PolicyRepository policies;
  private final ScheduleRepository schedules;
  private final Transactions transactions;
  private final Clock clock;
  private final Duration overdueAfter;
  private final Duration minimumPeriod;

  /**
   * @param minimumPeriod the shortest time a schedule may leave between two rotations (the server's
   *     {@code minimum_rotation_period}): a shorter one is refused when applied, since each run adds a
   *     version that is kept until it is destroyed
   */
  public PolicyService(PolicyRepository policies, ScheduleRepository schedules, Transactions transactions, Clock clock,
      Duration overdueAfter, Duration minimumPeriod) {
    this.policies = policies;
    this.schedules = schedules;
    this.transactions = transactions;
    this.clock = clock;
    this.overdueAfter = overdueAfter;
    this.minimumPeriod = minimumPeriod;
  }

  private void requireMinimumPeriod(RotationPolicy p, String prefix) {
    if (p.schedule() != null && p.schedule().shortestGap().compareTo(minimumPeriod) < 0) {
      String field = p.schedule() instanceof Schedule.Every ? "rotation_period" : "cron";
      throw RekeyException.invalid(prefix + "." + field + ": '" + p.schedule().text() + "' rotates more often than"
          + " the server's minimum_rotation_period " + minimumPeriod + "; each rotation adds a version");
    }
  }

  public PolicyDiff apply(List<PolicySpec> specs, boolean dryRun) {
    if (specs == null || specs.isEmpty()) {
      throw RekeyException.invalid("policies: at least one policy is required");
    }
    if (specs.size() > MAX_POLICIES_PER_FILE) {
      throw RekeyException.invalid("policies: at most " + MAX_POLICIES_PER_FILE + " per file");
    }
    List<RotationPolicy> parsed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      RotationPolicy p = RotationPolicy.from(specs.get(i), "policies[" + i + "]");
      requireMinimumPeriod(p, "policies[" + i + "]");
      if (!seen.add(p.scope().id())) {
        throw RekeyException.invalid("policies[" + i + "].scope: '" + p.scope().id() + "' appears twice in the file");
      }
      parsed.add(p);
    }
    return transactions.inTransaction(() -> {
      Instant now = clock.instant();
      List<PolicyDiff.Change> changes = new ArrayList<>();
      for (RotationPolicy p : parsed) {
        PolicySpec next = p.toSpec();
        Optional<PolicySpec> current = policies.get(next.scope());
        if (current.isPresent() && current.get().equals(next)) {
          changes.add(new PolicyDiff.Change(next.scope(), "unchanged", List.of()));
          continue;
        }
        changes.add(new PolicyDiff.Change(next.scope(), current.isPresent() ? "update" : "create",
            current.map(c -> differingFields(c, next)).orElse(List.of())));
        if (!dryRun) {
          policies.put(next, now);
          markDue(p.scope(), now);
        }
      }
      return new PolicyDiff(dryRun, changes);
    });
  }

  public List<PolicySpec> list() {
    return policies.all();
  }

  public PolicySpec get(String scope) {
    String id = PolicyScope.parse("scope", scope).id();
    return policies.get(id).orElseThrow(() -> RekeyException.notFound("no policy for scope '" + id + "'"));
  }

  public void delete(String scope) {
    PolicyScope s = PolicyScope.parse("scope", scope);
    transactions.run(() -> {
      if (!policies.delete(s.id())) {
        throw RekeyException.notFound("no policy for scope '" + s.id() + "'");
      }
      markDue(s, clock.instant());
    });
  }

  /**
   * Due, overdue and failed keys and the calendar of the next 30 days, of the keys {@code visible}
   * (namespace, key name) keeps: the caller's grants. The 1000-entry caps count visible keys only,
   * so a caller who may see a few keys sees them however many others there are.
   */
  public RotationStatus status(BiPredicate<String, String> visible) {
    Instant now = clock.instant();
    List<RotationStatus.Entry> due = new ArrayList<>();
    List<RotationStatus.Entry> overdue = new ArrayList<>();
    for (Entry e : schedules.rotationsBefore(now, visible, STATUS_LIMIT)) {
      (e.nextRotationAt().isAfter(now.minus(overdueAfter)) ? due : overdue).add(view(e));
    }
    return new RotationStatus(now.toString(), due, overdue,
        schedules.failed(visible, STATUS_LIMIT).stream().map(PolicyService::view).toList(),
        schedules.rotationsBetween(now, now.plus(CALENDAR), visible, STATUS_LIMIT).stream().map(PolicyService::view)
            .toList());
  }

  private void markDue(PolicyScope s, Instant now) {
    switch (s.kind()) {
      case KEY -> schedules.markDue(s.namespace(), s.key(), null, now);
      case NAMESPACE -> schedules.markDue(s.namespace(), null, null, now);
      case TYPE -> schedules.markDue(null, null, s.type().wireName(), now);
    }
  }

  private static RotationStatus.Entry view(Entry e) {
    return new RotationStatus.Entry(e.namespace(), e.name(), text(e.nextRotationAt()), e.failures(), e.lastError(),
        text(e.lastRunAt()));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static List<String> differingFields(PolicySpec a, PolicySpec b) {
    List<String> out = new ArrayList<>();
    compare(out, "rotation_period", a.rotationPeriod(), b.rotationPeriod());
    compare(out, "cron", a.cron(), b.cron());
    compare(out, "version_lifetime", a.versionLifetime(), b.versionLifetime());
    compare(out, "notify_before", a.notifyBefore(), b.notifyBefore());
    compare(out, "dual_running", a.dualRunning(), b.dualRunning());
    compare(out, "retired_to_keep", a.retiredToKeep(), b.retiredToKeep());
    compare(out, "auto_retire", a.autoRetire(), b.autoRetire());
    compare(out, "jitter", a.jitter(), b.jitter());
    compare(out, "publish_lead", a.publishLead(), b.publishLead());
    compare(out, "destroy_after", a.destroyAfter(), b.destroyAfter());
    return out;
  }

  private static void compare(List<String> out, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(field + ": " + before + " -> " + after);
    }
  }
}
