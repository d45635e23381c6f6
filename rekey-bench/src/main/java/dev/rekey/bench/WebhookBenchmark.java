package dev.rekey.bench;

import com.sun.net.httpserver.HttpServer;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.Backoff;
import dev.rekey.core.webhook.DeliveryConfig;
import dev.rekey.core.webhook.WebhookDeliverer;
import dev.rekey.core.webhook.WebhookDispatcher;
import dev.rekey.core.webhook.WebhookService;
import dev.rekey.server.webhook.CloudEventsJson;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Webhooks on SQLite (WAL, a temporary file), one invocation each:
 * <ul>
 *   <li>{@code fanOut}: {@link WebhookDispatcher} turns {@code events} undispatched outbox events into
 *       deliveries for two subscriptions (one takes every event, one half of them by tag): 1.5
 *       deliveries per event, in transactions of 500 events.</li>
 *   <li>{@code deliver}: {@code events} due deliveries are claimed, encoded as CloudEvents, signed
 *       (Standard Webhooks) and POSTed to a JDK HttpServer on loopback answering 204, by
 *       {@code senders} threads as the server's worker does, then recorded as delivered.</li>
 * </ul>
 * Events are appended (and for {@code deliver} fanned out) before each invocation, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class WebhookBenchmark {
  @Param({"2000"})
  int events;

  @Param({"4"})
  int senders;

  private Path dir;
  private Store store;
  private HttpServer receiver;
  private HttpWebhookTransport transport;
  private WebhookDispatcher dispatcher;
  private WebhookDeliverer deliverer;
  private ExecutorService pool;
  private int seq;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("rekey-webhook-bench");
    store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")));
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    receiver.setExecutor(Executors.newFixedThreadPool(senders));
    receiver.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    Clock clock = Clock.systemUTC();
    WebhookService service = new WebhookService(store.webhooks(), store.deliveries(), () -> keyring, clock);
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    service.create(url, List.of(), null, Map.of());
    service.create(url, List.of("KeyNewVersionCreated"), null, Map.of("team", "pay"));
    dispatcher = new WebhookDispatcher(store.events(), store.webhooks(), store.deliveries(), store.transactions(), clock);
    transport = new HttpWebhookTransport(Duration.ofSeconds(10), dev.rekey.server.net.OutboundPolicy.DEFAULT);
    deliverer = new WebhookDeliverer(new WebhookDeliverer.Sources(store.webhooks(), store.deliveries(), store.events(),
        () -> keyring, new CloudEventsJson()), transport,
        new DeliveryConfig(Backoff.DEFAULT, Duration.ofSeconds(30), "bench"), clock);
    pool = Executors.newFixedThreadPool(senders);
  }

  /** Appends {@code events} key events; every second one carries the tag the filtered subscription wants. */
  private void appendEvents(int count) {
    for (int done = 0; done < count; done += 1000) {
      List<Event> batch = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + 1000); i++) {
        int n = seq++;
        batch.add(Event.of(EventType.KEY_NEW_VERSION_CREATED, Instant.now(), "default", "keys/k" + n + "/versions/2",
            n % 2 == 0 ? Map.of("team", "pay") : Map.of("team", "ops"),
            Map.of("key", "k" + n, "key_type", "aes256-gcm", "version", 2, "state", "PRIMARY")));
      }
      store.transactions().run(() -> store.events().append(batch));
    }
  }

  @Setup(Level.Invocation)
  public void prepare(org.openjdk.jmh.infra.BenchmarkParams params) {
    appendEvents(events);
    if (params.getBenchmark().endsWith("deliver")) {
      while (dispatcher.dispatch(500) > 0) {
        // fan out outside the timing
      }
    }
  }

  @Benchmark
  public int fanOut() {
    int created = 0;
    for (int n; (n = dispatcher.dispatch(500)) > 0; ) {
      created += n;
    }
    return created;
  }

  @Benchmark
  public int deliver() throws Exception {
    List<Future<Integer>> running = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      running.add(pool.submit(() -> {
        int sent = 0;
        for (int n; (n = deliverer.deliverDue(1)) > 0; ) {
          sent += n;
        }
        return sent;
      }));
    }
    int sent = 0;
    for (Future<Integer> f : running) {
      sent += f.get();
    }
    return sent;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    pool.shutdownNow();
    transport.close();
    receiver.stop(0);
    ((ExecutorService) receiver.getExecutor()).shutdownNow();
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
