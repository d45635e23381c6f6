package dev.rekey.server.metrics;

import dev.rekey.api.RotationStatus;
import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.policy.PolicyService;
import dev.rekey.core.port.ConsumerRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rotation engine's gauges, read at scrape time: seconds to each key's next scheduled
 * rotation (due, overdue and the next 30 days, from the scheduler's due index), the progress
 * of active re-wrap campaigns, and stale consumer bindings. Counters for rotations and webhook deliveries are pushed by the
 * scheduler and the deliverer through {@link Metrics}.
 */
public final class EngineMetrics {
  /** At most this many stale bindings become series; the API lists all of them. */
  static final int STALE_ROWS = 1000;

  private EngineMetrics() {}

  public static void register(Metrics metrics, PolicyService policies, RewrapCampaignService campaigns,
      ConsumerRepository consumers, Clock clock) {
    metrics.labeledGauges(MetricNames.CONSUMER_STALE, "Seconds a stale consumer binding is past its update deadline",
        "seconds", MetricNames.BINDING_LABELS, () -> consumers.bindingsInState(null, BindingState.STALE, STALE_ROWS)
            .stream().map(b -> Metrics.Sample.of(Duration.between(b.deadline(), clock.instant()).toMillis() / 1000.0,
                b.namespace(), b.consumer(), b.key())).toList());
    metrics.labeledGauges(MetricNames.KEY_NEXT_ROTATION, "Seconds until the next scheduled rotation (negative: overdue)",
        "seconds", MetricNames.KEY_LABELS, // every key: the gauges are server-wide
        () -> nextRotations(policies.status((namespace, key) -> true), clock.instant()));
    metrics.labeledGauges(MetricNames.CAMPAIGN_PROGRESS, "Share of a re-wrap campaign's DEKs done", "ratio",
        MetricNames.CAMPAIGN_LABELS, () -> campaignRows(campaigns.active(), true));
    metrics.labeledGauges(MetricNames.CAMPAIGN_REMAINING, "DEKs a re-wrap campaign still has to re-wrap", "deks",
        MetricNames.CAMPAIGN_LABELS, () -> campaignRows(campaigns.active(), false));
  }

  static List<Metrics.Sample> nextRotations(RotationStatus status, Instant now) {
    Map<String, Metrics.Sample> rows = new LinkedHashMap<>();
    List<RotationStatus.Entry> all = new ArrayList<>(status.overdue());
    all.addAll(status.due());
    all.addAll(status.calendar());
    for (RotationStatus.Entry e : all) {
      if (e.nextRotation() != null) {
        double seconds = Duration.between(now, Instant.parse(e.nextRotation())).toMillis() / 1000.0;
        rows.putIfAbsent(e.namespace() + "/" + e.key(), Metrics.Sample.of(seconds, e.namespace(), e.key()));
      }
    }
    return List.copyOf(rows.values());
  }

  static List<Metrics.Sample> campaignRows(List<RewrapCampaign> active, boolean ratio) {
    List<Metrics.Sample> rows = new ArrayList<>();
    for (RewrapCampaign c : active) {
      double value = ratio ? (c.total() == 0 ? 1.0 : (double) c.done() / c.total()) : Math.max(0, c.total() - c.done());
      rows.add(Metrics.Sample.of(value, String.valueOf(c.id()), c.namespace(), c.kek()));
    }
    return rows;
  }
}
