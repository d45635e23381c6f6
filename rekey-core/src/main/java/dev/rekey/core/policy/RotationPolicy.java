package dev.rekey.core.policy;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyPurpose;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A validated rotation policy: an immutable value built only by {@link #from}, which checks every
 * field and names the offending one in its error ({@code policies[0].rotation_period: ...}).
 *
 * <ul>
 *   <li>{@code schedule}: a period or a UTC cron expression; null for ad hoc (manual) rotation.
 *   <li>{@code versionLifetime}: a version expires this long after its creation; null for never.
 *       {@code notifyBefore} are the near-expiry thresholds (default 30, 7 and 1 days).
 *   <li>{@code dualRunning}: how long a previous primary stays ACTIVE before it may be RETIRED.
 *   <li>{@code autoRetire}: retire the previous primary after the dual-running window if
 *       {@link dev.rekey.core.port.VersionUsage} shows no use within the window.
 *   <li>{@code retiredToKeep}: RETIRED versions to keep; older ones are scheduled for destruction
 *       {@code destroyAfter} later (never sooner than the key service's minimum). Null keeps all.
 *   <li>{@code jitter}: each run is delayed by a stable pseudo-random amount below it.
 *   <li>{@code publishLead}: signing keys only; the next version is created PENDING this long
 *       before the rotation is due (so verifiers can fetch it) and promoted when it is due.
 * </ul>
 */
public record RotationPolicy(PolicyScope scope, Schedule schedule, Span versionLifetime, List<Span> notifyBefore,
    Span dualRunning, boolean autoRetire, Integer retiredToKeep, Span destroyAfter, Span jitter, Span publishLead) {

  public static final List<Span> DEFAULT_NOTIFY_BEFORE =
      List.of(Span.parse("notify_before", "P30D"), Span.parse("notify_before", "P7D"), Span.parse("notify_before", "P1D"));
  public static final Span DEFAULT_DUAL_RUNNING = Span.parse("dual_running", "P7D");
  public static final Span DEFAULT_DESTROY_AFTER = Span.parse("destroy_after", "P30D");
  static final int MAX_RETIRED_TO_KEEP = 1000;
  static final int MAX_NOTIFY_BEFORE = 10;

  public RotationPolicy {
    Objects.requireNonNull(scope, "scope");
    notifyBefore = List.copyOf(notifyBefore);
    Objects.requireNonNull(dualRunning, "dualRunning");
    Objects.requireNonNull(destroyAfter, "destroyAfter");
  }

  /** Validates {@code spec}; error messages start with {@code prefix} and the field name. */
  public static RotationPolicy from(PolicySpec spec, String prefix) {
    if (spec == null) {
      throw RekeyException.invalid(prefix + ": a policy is required");
    }
    String p = prefix.isEmpty() ? "" : prefix + ".";
    PolicyScope scope = PolicyScope.parse(p + "scope", spec.scope());
    if (spec.rotationPeriod() != null && spec.cron() != null) {
      throw RekeyException.invalid(p + "cron: set either rotation_period or cron, not both");
    }
    Schedule schedule = null;
    if (spec.rotationPeriod() != null) {
      schedule = new Schedule.Every(Span.parse(p + "rotation_period", spec.rotationPeriod()));
    } else if (spec.cron() != null) {
      schedule = Schedule.Cron.parse(p + "cron", spec.cron());
    }
    Span lifetime = optional(p + "version_lifetime", spec.versionLifetime());
    List<Span> notify = DEFAULT_NOTIFY_BEFORE;
    if (spec.notifyBefore() != null) {
      if (spec.notifyBefore().size() > MAX_NOTIFY_BEFORE) {
        throw RekeyException.invalid(p + "notify_before: at most " + MAX_NOTIFY_BEFORE + " offsets");
      }
      List<Span> parsed = new ArrayList<>();
      for (int i = 0; i < spec.notifyBefore().size(); i++) {
        Span s = Span.parse(p + "notify_before[" + i + "]", String.valueOf(spec.notifyBefore().get(i)));
        if (parsed.contains(s)) {
          throw RekeyException.invalid(p + "notify_before[" + i + "]: '" + s + "' is listed twice");
        }
        parsed.add(s);
      }
      parsed.sort(Comparator.comparing(Span::approximate).reversed());
      notify = parsed;
    }
    Span dual = orDefault(p + "dual_running", spec.dualRunning(), DEFAULT_DUAL_RUNNING);
    Integer keep = spec.retiredToKeep();
    if (keep != null && (keep < 0 || keep > MAX_RETIRED_TO_KEEP)) {
      throw RekeyException.invalid(p + "retired_to_keep: must be between 0 and " + MAX_RETIRED_TO_KEEP);
    }
    Span destroyAfter = orDefault(p + "destroy_after", spec.destroyAfter(), DEFAULT_DESTROY_AFTER);
    Span jitter = optional(p + "jitter", spec.jitter());
    Span lead = optional(p + "publish_lead", spec.publishLead());
    if (schedule instanceof Schedule.Every every) {
      Duration period = every.span().approximate();
      if (jitter != null && jitter.approximate().compareTo(period) >= 0) {
        throw RekeyException.invalid(p + "jitter: must be shorter than the rotation period " + every.text());
      }
      if (lead != null && lead.approximate().compareTo(period) >= 0) {
        throw RekeyException.invalid(p + "publish_lead: must be shorter than the rotation period " + every.text());
      }
    }
    if (lead != null && schedule == null) {
      throw RekeyException.invalid(p + "publish_lead: needs a rotation_period or cron schedule");
    }
    if (lead != null && scope.kind() == PolicyScope.Kind.TYPE && scope.type().purpose() != KeyPurpose.SIGNING) {
      throw RekeyException.invalid(p + "publish_lead: only signing keys are published ahead; "
          + scope.type().wireName() + " is not a signing key type");
    }
    return new RotationPolicy(scope, schedule, lifetime, notify, dual, Boolean.TRUE.equals(spec.autoRetire()),
        keep, destroyAfter, jitter, lead);
  }

  /** The canonical wire form, every default spelled out: equal policies have equal specs. */
  public PolicySpec toSpec() {
    boolean period = schedule instanceof Schedule.Every;
    return new PolicySpec(scope.id(), period ? schedule.text() : null,
        schedule instanceof Schedule.Cron ? schedule.text() : null, text(versionLifetime),
        notifyBefore.stream().map(Span::text).toList(), dualRunning.text(), retiredToKeep, autoRetire,
        text(jitter), text(publishLead), destroyAfter.text());
  }

  private static Span optional(String field, String text) {
    return text == null || text.isBlank() ? null : Span.parse(field, text);
  }

  private static Span orDefault(String field, String text, Span fallback) {
    Span s = optional(field, text);
    return s == null ? fallback : s;
  }

  private static String text(Span s) {
    return s == null ? null : s.text();
  }
}
