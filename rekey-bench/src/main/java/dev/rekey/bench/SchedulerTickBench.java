package dev.rekey.bench;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.policy.RotationScheduler;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.port.VersionUsage;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One rotation-scheduler tick over a large key population, on a real store (not in the test suite).
 *
 * <pre>
 * java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.SchedulerTickBench [sqlite|postgres] [keys] [due] [group]
 * </pre>
 *
 * Loads {@code keys - due} idle keys (rows in {@code keys} and {@code key_schedules}, next due in
 * 1 to 365 days) with plain JDBC batches, creates {@code due} real keys through the key service,
 * then measures (1) ticks with nothing due and (2) draining the {@code due} keys once they are all
 * due (each a real rotation: new material, key write, events, run record, schedule row).
 */
public final class SchedulerTickBench {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long DAY_NANOS = 86_400_000_000_000L;

  private SchedulerTickBench() {}

  public static void main(String[] args) throws Exception {
    String db = args.length > 0 ? args[0] : "sqlite";
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int due = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int group = args.length > 3 ? Integer.parseInt(args[3]) : SchedulerConfig.defaults("bench").group();
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = null;
    StoreConfig config;
    String url;
    String user = null;
    if (db.equals("postgres")) {
      pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
      url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
      user = "postgres";
      config = StoreConfig.of(url, user, null);
    } else {
      Path dir = Files.createTempDirectory("rekey-tick-bench");
      config = StoreConfig.sqlite(dir.resolve("rekey.db"));
      url = "jdbc:sqlite:" + dir.resolve("rekey.db");
    }
    try {
      run(config, url, user, keys, due, group, db);
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private static void run(StoreConfig config, String url, String user, int keys, int due, int group, String db)
      throws Exception {
    Store.open(config).close(); // migrate
    long t = System.nanoTime();
    populateIdle(url, user, keys - due);
    System.out.printf("%s: loaded %,d idle keys in %.1f s%n", db, keys - due, (System.nanoTime() - t) / 1e9);

    AtomicReference<Instant> now = new AtomicReference<>(T0.minus(Duration.ofDays(2)));
    Clock clock = new Clock() {
      @Override public Instant instant() { return now.get(); }
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    };
    try (Store store = Store.open(config)) {
      RootKeyring ring = RootKeyring.generate(T0);
      KeyCache cache = new KeyCache(store.keys(), () -> ring, Duration.ofMinutes(10));
      KeyService keyService = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring, cache,
          clock, Duration.ofDays(7));
      SchedulerConfig sc = SchedulerConfig.defaults("bench").withGroup(group);
      RotationScheduler scheduler = new RotationScheduler(keyService, new RotationScheduler.Stores(store.schedules(),
          store.policies(), store.transactions(), store.events()), VersionUsage.NONE, clock, sc);

      t = System.nanoTime();
      for (int i = 0; i < due; i++) {
        keyService.create("due", "k" + i, KeyType.AES256_GCM, Map.of());
      }
      while (store.schedules().discoverNewKeys(clock.instant(), 10_000) > 0) {
        // give the real keys schedule rows, then make them due only in 1000 days
      }
      store.schedules().markDue("due", null, null, T0.plus(Duration.ofDays(1000)));
      store.policies().put(new PolicySpec("namespace:due", "P1D", null, null, null, null, null, null, null, null, null),
          T0);
      System.out.printf("%s: created %,d real keys in %.1f s%n", db, due, (System.nanoTime() - t) / 1e9);

      // steady state: ten minutes after the last key was created (PostgreSQL discovery has stopped looking back)
      now.set(T0.plus(Duration.ofMinutes(10)));
      scheduler.tick();
      now.set(T0.plus(Duration.ofMinutes(20)));
      long[] idle = new long[500];
      for (int i = 0; i < 100; i++) {
        scheduler.tick(); // warm-up
      }
      for (int i = 0; i < idle.length; i++) {
        long s = System.nanoTime();
        RotationScheduler.TickResult r = scheduler.tick();
        idle[i] = System.nanoTime() - s;
        if (!r.idle()) {
          throw new IllegalStateException("expected an idle tick, got " + r);
        }
      }
      Arrays.sort(idle);
      System.out.printf("%s: idle tick over %,d keys (none due), %d ticks: median %.3f ms, p99 %.3f ms, max %.3f ms%n",
          db, keys, idle.length, idle[idle.length / 2] / 1e6, idle[idle.length * 99 / 100] / 1e6,
          idle[idle.length - 1] / 1e6);

      store.schedules().markDue("due", null, null, T0);
      t = System.nanoTime();
      long firstTick = -1;
      int rotated = 0;
      int ticks = 0;
      RotationScheduler.TickResult r;
      do {
        long s = System.nanoTime();
        r = scheduler.tick();
        if (firstTick < 0) {
          firstTick = System.nanoTime() - s;
        }
        rotated += r.rotated();
        ticks++;
        if (r.failed() > 0) {
          throw new IllegalStateException("failures: " + r);
        }
      } while (!r.idle());
      double seconds = (System.nanoTime() - t) / 1e9;
      System.out.printf("%s: %,d due of %,d keys: rotated %,d in %d ticks of up to %d (commit groups of %d), %.2f s (%,.0f rotations/s);"
          + " first tick (%d keys) %.1f ms%n", db, due, keys, rotated, ticks - 1, sc.batch(), sc.group(), seconds, rotated / seconds,
          Math.min(due, sc.batch()), firstTick / 1e6);
      if (rotated != due) {
        throw new IllegalStateException("rotated " + rotated + " of " + due);
      }
    }
  }

  /** Idle keys straight into the tables: key rows (no versions: an idle key is never loaded) and schedule rows. */
  private static void populateIdle(String url, String user, int n) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, null)) {
      c.setAutoCommit(false);
      try (PreparedStatement keys = c.prepareStatement("INSERT INTO keys (namespace, name, type,"
          + " min_decryption_version, min_encryption_version, tags, created_at, revision) VALUES (?, ?, ?, 1, 1, '{}', ?, 0)");
          PreparedStatement schedules = c.prepareStatement("INSERT INTO key_schedules (namespace, name, key_type,"
              + " anchor_at, next_rotation_at, due_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        long t0 = T0.getEpochSecond() * 1_000_000_000L;
        for (int i = 0; i < n; i++) {
          String ns = "ns" + (i % 100);
          String name = "idle-" + i;
          long dueAt = t0 + (1 + (i * 7919L) % 365) * DAY_NANOS;
          keys.setString(1, ns);
          keys.setString(2, name);
          keys.setString(3, "aes256-gcm");
          keys.setLong(4, t0);
          keys.addBatch();
          schedules.setString(1, ns);
          schedules.setString(2, name);
          schedules.setString(3, "aes256-gcm");
          schedules.setLong(4, t0);
          schedules.setLong(5, dueAt);
          schedules.setLong(6, dueAt);
          schedules.addBatch();
          if (i % 10_000 == 9_999 || i == n - 1) {
            keys.executeBatch();
            schedules.executeBatch();
            c.commit();
          }
        }
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE scheduler_cursor SET position = (SELECT COALESCE(MAX(id), 0) FROM keys)"
            + " WHERE name = 'keys'");
        st.execute(url.startsWith("jdbc:postgresql:") ? "ANALYZE" : "ANALYZE");
      }
      c.commit();
    }
  }
}
