package dev.rekey.bench;

import com.sun.net.httpserver.HttpServer;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingOrigin;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.ConsumerNotifier;
import dev.rekey.core.consumer.ConsumerPropagation;
import dev.rekey.core.consumer.ConsumerService;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.webhook.Backoff;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consumer propagation at scale on SQLite (WAL, a temporary file); a main, not JMH (one-shot runs of
 * seconds). Part 1: {@code consumers} consumers with hooks on loopback bound to one key; a rotation
 * is propagated (one set-based transaction), the hooks are called by {@code senders} threads (claim,
 * sign, POST, record, as the server's worker), and each consumer confirms through
 * {@link ConsumerService#confirm} right after answering 204: reported is the time from the rotation
 * until every binding is CURRENT. Part 2: {@code bindings} pending bindings (inserted in bulk by SQL),
 * of which {@code due} are past their deadline: the cost of one deadline evaluation when none is due,
 * and of marking the due ones STALE with their events.
 *
 * <pre>java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.ConsumerPropagationBench 10000 1000000 10000 4</pre>
 */
public final class ConsumerPropagationBench {
  private static final String NS = "default";
  private static final Pattern CONSUMER = Pattern.compile("\"consumer\":\"([^\"]+)\"");

  private ConsumerPropagationBench() {}

  public static void main(String[] args) throws Exception {
    int consumers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int bindings = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int due = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int senders = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    Path dir = Files.createTempDirectory("rekey-consumer-bench");
    try {
      propagation(dir.resolve("propagation.db"), consumers, senders);
      deadlines(dir.resolve("deadlines.db"), bindings, due);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void propagation(Path db, int count, int senders) throws Exception {
    Clock clock = Clock.systemUTC();
    RootKeyring ring = RootKeyring.generate(Instant.now());
    try (Store store = Store.open(StoreConfig.sqlite(db))) {
      KeyService keys = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring,
          new KeyCache(store.keys(), () -> ring, Duration.ofMinutes(5)), clock, Duration.ofDays(7));
      ConsumerService service = new ConsumerService(store.consumers(), store.keys(), store.transactions(),
          store.events(), () -> ring, clock);
      ConsumerPropagation propagation = new ConsumerPropagation(store.consumers(), store.transactions(),
          store.events(), clock);
      keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());

      AtomicBoolean confirming = new AtomicBoolean(true);
      HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
      ExecutorService receiverThreads = Executors.newFixedThreadPool(senders);
      receiver.setExecutor(receiverThreads);
      receiver.createContext("/", exchange -> {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        Matcher m = CONSUMER.matcher(body);
        if (confirming.get() && m.find()) {
          service.confirm(NS, m.group(1), "orders", 2); // the consumer reports it moved
        }
      });
      receiver.start();
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

      long t0 = System.nanoTime();
      store.transactions().run(() -> {
        for (int i = 0; i < count; i++) {
          String name = String.format("consumer-%05d", i);
          service.register(NS, name, "service", Map.of(), null, null, url);
          store.consumers().insertBinding(Binding.create(NS, name, "orders", BindingOrigin.EXPLICIT,
              BindingMode.LATEST, 1, clock.instant()));
        }
      });
      System.out.printf("setup: %,d consumers with hooks and bindings in %,d ms%n", count, ms(t0));

      HttpWebhookTransport transport = new HttpWebhookTransport(Duration.ofSeconds(10), dev.rekey.server.net.OutboundPolicy.DEFAULT);
      ConsumerNotifier notifier = new ConsumerNotifier(store.consumers(), transport, () -> ring, Backoff.DEFAULT,
          Duration.ofSeconds(30), clock);
      long rotated = System.nanoTime();
      Key key = keys.rotate(NS, "orders", true);
      int pending = propagation.propagate(new ConsumerPropagation.Rotation(NS, "orders", key.primary().number(),
          key.tags()), clock.instant());
      long propagated = System.nanoTime();
      ExecutorService sending = Executors.newFixedThreadPool(senders);
      for (int i = 0; i < senders; i++) {
        sending.execute(() -> {
          while (!store.consumers().bindingsInState(NS, BindingState.PENDING_UPDATE, 1).isEmpty()) {
            if (notifier.deliverDue(1) == 0) {
              sleep(5);
            }
          }
        });
      }
      sending.shutdown();
      if (!sending.awaitTermination(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("propagation did not finish");
      }
      long done = System.nanoTime();
      confirming.set(false);
      receiver.stop(0);
      receiverThreads.shutdownNow();
      transport.close();
      System.out.printf("rotation + propagation: %,d bindings PENDING_UPDATE in %,d ms%n", pending,
          (propagated - rotated) / 1_000_000);
      System.out.printf("all %,d CURRENT %,d ms after the rotation (%,.0f consumers/s; %d senders; hook call"
          + " + confirmation each)%n", count, (done - rotated) / 1_000_000,
          count / ((done - rotated) / 1e9), senders);
    }
  }

  private static void deadlines(Path db, int count, int due) throws Exception {
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    try (Store store = Store.open(StoreConfig.sqlite(db))) {
      long t0 = System.nanoTime();
      long soon = nanos(t.plus(Duration.ofHours(1)));
      long later = nanos(t.plus(Duration.ofDays(1)));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 30000");
        s.executeUpdate("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " + count + ")"
            + " INSERT INTO consumer_bindings (namespace, key_name, consumer, origin, mode, version, since,"
            + " previous_version, target_version, state, deadline, last_seen_at, hook_state, hook_attempts,"
            + " hook_next_at, hook_error, updated_at) SELECT 'default', 'key-' || (x % 1000), 'consumer-' || x,"
            + " 'EXPLICIT', 'LATEST', 1, 0, 0, 2, 'PENDING_UPDATE', CASE WHEN x <= " + due + " THEN " + soon
            + " ELSE " + later + " END, NULL, 'NONE', 0, NULL, NULL, 0 FROM n");
        s.execute("ANALYZE");
      }
      System.out.printf("setup: %,d pending bindings (%,d due at +2h) in %,d ms%n", count, due, ms(t0));

      ConsumerPropagation before = new ConsumerPropagation(store.consumers(), store.transactions(), store.events(),
          Clock.fixed(t, ZoneOffset.UTC));
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 50; i++) {
        long s = System.nanoTime();
        if (before.expireDeadlines(500) != 0) {
          throw new IllegalStateException("nothing should be due yet");
        }
        best = Math.min(best, System.nanoTime() - s);
      }
      System.out.printf("deadline evaluation, none due of %,d: best of 50 %,.3f ms%n", count, best / 1e6);

      ConsumerPropagation after = new ConsumerPropagation(store.consumers(), store.transactions(), store.events(),
          Clock.fixed(t.plus(Duration.ofHours(2)), ZoneOffset.UTC));
      long s = System.nanoTime();
      int stale = 0;
      for (int n; (n = after.expireDeadlines(500)) > 0; ) {
        stale += n;
      }
      long took = System.nanoTime() - s;
      System.out.printf("deadline evaluation, %,d due of %,d: all STALE with events in %,d ms (%,.0f/s)%n", stale,
          count, took / 1_000_000, stale / (took / 1e9));
    }
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
