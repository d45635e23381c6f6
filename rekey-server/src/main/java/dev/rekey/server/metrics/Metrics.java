package dev.rekey.server.metrics;

import dev.rekey.core.port.MetricsRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's meters, exported in the Prometheus text format by {@link #scrape()} (served at
 * {@code GET /metrics}). One instance per server; services add meters through the helpers:
 *
 * <pre>{@code
 * metrics.counter("rekey.things", "Things done", "outcome", "ok").increment();
 * metrics.gauge("rekey.queue.size", "Items waiting", queue, Queue::size);
 * metrics.labeledGauges(MetricNames.KEY_NEXT_ROTATION, "Seconds to the next rotation", "seconds",
 *     MetricNames.KEY_LABELS, () -> scheduler.secondsToNextRotation());   // re-read at every scrape
 * }</pre>
 *
 * It also implements the core's {@link MetricsRecorder}, so core services push rotation and
 * webhook outcomes without depending on Micrometer. JVM and process meters come from Micrometer's
 * binders (memory, GC, threads, class loading, CPU, uptime, file descriptors).
 */
public final class Metrics implements MetricsRecorder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** One row of a labeled gauge: label values in the order of the gauge's label names, and the value. */
  public record Sample(List<String> labelValues, double value) {
    public static Sample of(double value, String... labelValues) {
      return new Sample(List.of(labelValues), value);
    }
  }

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** The registry, for anything the helpers below do not cover. */
  public MeterRegistry registry() {
    return registry;
  }

  /** A counter (created once, the same object on later calls); {@code tags} are name, value pairs. */
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** A counter whose value is read from {@code source} at each scrape (it must only grow). */
  public <T> void functionCounter(String name, String description, T source, ToDoubleFunction<T> value,
      String... tags) {
    FunctionCounter.builder(name, source, value).description(description).tags(tags).register(registry);
  }

  /** A gauge read from {@code source} at each scrape (held strongly, so it is never collected). */
  public <T> void gauge(String name, String description, String baseUnit, T source, ToDoubleFunction<T> value,
      String... tags) {
    io.micrometer.core.instrument.Gauge.builder(name, source, value).description(description)
        .baseUnit(baseUnit).tags(tags).strongReference(true).register(registry);
  }

  /**
   * A family of gauges with labels (one time series per row) whose rows are re-read from
   * {@code rows} before every scrape; rows that disappear disappear from the output. Use it for per
   * key or per campaign values. Keep the number of rows bounded.
   */
  public void labeledGauges(String name, String description, String baseUnit, String[] labelNames,
      Supplier<? extends Collection<Sample>> rows) {
    MultiGauge gauge = MultiGauge.builder(name).description(description).baseUnit(baseUnit).register(registry);
    List<String> labels = Arrays.asList(labelNames.clone());
    beforeScrape(() -> {
      List<MultiGauge.Row<?>> out = new ArrayList<>();
      for (Sample s : rows.get()) {
        if (s.labelValues().size() != labels.size()) {
          throw new IllegalArgumentException(name + ": expected labels " + labels + ", got " + s.labelValues());
        }
        Tags tags = Tags.empty();
        for (int i = 0; i < labels.size(); i++) {
          tags = tags.and(labels.get(i), s.labelValues().get(i));
        }
        out.add(MultiGauge.Row.of(tags, s.value()));
      }
      gauge.register(out, true);
    });
  }

  /** Runs {@code task} before every scrape (to refresh meters whose set changes). */
  public void beforeScrape(Runnable task) {
    beforeScrape.add(task);
  }

  /** Everything in the Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    for (Runnable r : beforeScrape) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("a metrics refresh failed: {}", e.toString());
      }
    }
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  @Override
  public void rotation(String outcome) {
    counter(MetricNames.ROTATIONS, "Rotations run by the scheduler, by outcome", "outcome", outcome).increment();
  }

  @Override
  public void webhookDelivery(String outcome, Duration lag) {
    counter(MetricNames.WEBHOOK_DELIVERIES, "Webhook delivery attempts, by outcome", "outcome", outcome).increment();
    DistributionSummary.builder(MetricNames.WEBHOOK_DELIVERY_LAG)
        .description("Seconds from an event's time to the end of its delivery attempt").baseUnit("seconds")
        .register(registry).record(lag.toNanos() / 1e9);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
