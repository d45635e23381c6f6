package dev.rekey.bench;

import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignRunner;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.dek.DekCipher;
import dev.rekey.core.dek.DekService;
import dev.rekey.core.key.KeyType;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Re-wraps N stored DEKs after a KEK rotation with the real campaign runner on a real store, and
 * prints the wall time of the campaign (loading is not timed). Not a JMH benchmark: one campaign is
 * one long operation.
 *
 * <pre>
 * java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.RewrapCampaignBench sqlite|postgres [count] [batch]
 * </pre>
 */
public final class RewrapCampaignBench {
  private RewrapCampaignBench() {}

  public static void main(String[] args) throws Exception {
    String dialect = args.length > 0 ? args[0] : "sqlite";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Path dir = Files.createTempDirectory("rekey-rewrap-bench");
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = null;
    String url;
    String user = null;
    if (dialect.equals("postgres")) {
      // durable commits: the embedded server defaults to fsync=off and synchronous_commit=off, which
      // a deployment would not run; memory and WAL sized for a million-row table
      boolean durable = !Boolean.getBoolean("pgNoFsync");
      pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
          .setCleanDataDirectory(true).setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("synchronous_commit", durable ? "on" : "off").setServerConfig("shared_buffers", "512MB")
          .setServerConfig("max_wal_size", "8GB").setServerConfig("checkpoint_timeout", "30min").start();
      url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
      user = "postgres";
    } else {
      url = "jdbc:sqlite:" + dir.resolve("rekey.db");
    }
    try (Store store = Store.open(StoreConfig.of(url, user, null))) {
      run(store, url, user, count, batch, dialect);
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private static void run(Store store, String url, String user, int count, int batch, String dialect)
      throws Exception {
    Clock clock = Clock.systemUTC();
    RootKeyring ring = RootKeyring.generate(Instant.now());
    KeyCache cache = new KeyCache(store.keys(), () -> ring, Duration.ofMinutes(10));
    KeyService keys = new KeyService(store.keys(), store.transactions(), store.events(), () -> ring, cache, clock,
        Duration.ofDays(1), store.storedDekVersions());
    keys.create("default", "tenants", KeyType.AES256_GCM, Map.of());
    long loadStart = System.nanoTime();
    load(cache, url, user, count);
    System.out.printf(Locale.ROOT, "loaded %,d DEKs in %.1f s%n", count, (System.nanoTime() - loadStart) / 1e9);
    new DekService(store.deks(), cache, clock).fetch("default", "tenants", "t" + (count - 1), null).destroy();

    keys.rotate("default", "tenants", true);
    if (Boolean.getBoolean("phases")) {
      phases(store, cache, count, batch);
      return;
    }
    RewrapCampaignService campaigns = new RewrapCampaignService(store.campaigns(), store.deks(), cache, clock, batch);
    RewrapCampaignRunner runner = new RewrapCampaignRunner(store.campaigns(), store.deks(), store.transactions(),
        store.events(), cache, clock, Duration.ofMinutes(5), "bench");
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long writerCpuStart = threads.getCurrentThreadCpuTime();
    RewrapCampaign c = campaigns.start("default", "tenants", null, batch, 0L, "api");
    runner.claim();
    runner.runToEnd(c.id());
    runner.close();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    double writerCpu = (threads.getCurrentThreadCpuTime() - writerCpuStart) / 1e9;
    RewrapCampaign done = store.campaigns().find(c.id()).orElseThrow();
    long left = store.deks().countWrapped("default", "tenants", 1, 2);
    System.out.printf(Locale.ROOT, "%s: re-wrapped %,d DEKs in batches of %,d in %.2f s (%,.0f DEKs/s); state %s,"
        + " left on v1: %d%n", dialect, done.done(), batch, seconds, done.done() / seconds, done.state().wireName(), left);
    System.out.printf(Locale.ROOT, "CPU time of this JVM during the campaign: %.2f s (on SQLite that includes the"
        + " database; PostgreSQL's own processes are not counted), of it the batch thread: %.2f s%n", cpu, writerCpu);
    DekService deks = new DekService(store.deks(), cache, clock);
    for (int i = 0; i < count; i += Math.max(1, count / 1000)) {
      deks.fetch("default", "tenants", "t" + i, null).destroy();
    }
    System.out.println("1,000 sampled DEKs decrypt after the campaign");
  }

  /**
   * The campaign's work split in its parts (read a page, unwrap+wrap, update), each timed on its
   * own, in batches like the runner's but without the campaign bookkeeping: {@code -Dphases=true}.
   */
  private static void phases(Store store, KeyCache cache, int count, int batch) {
    DekCipher cipher = new DekCipher(cache);
    long read = 0;
    long crypto = 0;
    long write = 0;
    long after = 0;
    long start = System.nanoTime();
    while (true) {
      long t0 = System.nanoTime();
      long from = after;
      java.util.List<dev.rekey.core.dek.StoredDek> page = store.transactions().inTransaction(() ->
          store.deks().page("default", "tenants", 1, null, from, batch));
      long t1 = System.nanoTime();
      if (page.isEmpty()) {
        break;
      }
      KeyCache.Entry kek = cipher.kek("default", "tenants");
      byte[][] plain = new byte[page.size()][];
      for (int i = 0; i < plain.length; i++) {
        plain[i] = cipher.unwrap(kek, page.get(i));
      }
      java.util.List<dev.rekey.core.port.DekRepository.Rewrapped> out = new java.util.ArrayList<>();
      for (int i = 0; i < plain.length; i++) {
        dev.rekey.core.dek.StoredDek d = page.get(i);
        out.add(new dev.rekey.core.port.DekRepository.Rewrapped(d.id(), d.rowVersion(),
            cipher.wrap(kek, kek.key().primary(), d.tenant(), d.version(), plain[i])));
      }
      long t2 = System.nanoTime();
      store.transactions().run(() -> store.deks().rewrap("default", "tenants", 1, out, 2, 1L));
      long t3 = System.nanoTime();
      read += t1 - t0;
      crypto += t2 - t1;
      write += t3 - t2;
      after = page.get(page.size() - 1).id();
    }
    System.out.printf(Locale.ROOT, "phases of %,d DEKs: read %.2f s, crypto %.2f s, write %.2f s, total %.2f s%n",
        count, read / 1e9, crypto / 1e9, write / 1e9, (System.nanoTime() - start) / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Bulk-loads DEKs wrapped by the KEK's version 1 with plain JDBC batches (setup, not timed). */
  static void load(KeyCache cache, String url, String user, int count) throws Exception {
    DekCipher cipher = new DekCipher(cache);
    KeyCache.Entry kek = cipher.kek("default", "tenants");
    String jdbc = url.startsWith("jdbc:postgresql:") ? url + "?reWriteBatchedInserts=true" : url;
    try (Connection c = DriverManager.getConnection(jdbc, user, null)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO deks (namespace, kek, tenant, version, kek_version,"
          + " wrapped, created_at, row_version) VALUES ('default', 'tenants', ?, 1, 1, ?, ?, 0)")) {
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < count; i++) {
          byte[] dek = Randomness.bytes(32);
          ps.setString(1, "t" + i);
          ps.setBytes(2, cipher.wrap(kek, kek.key().primary(), "t" + i, 1, dek));
          ps.setLong(3, now);
          ps.addBatch();
          if (i % 10_000 == 9_999) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
      }
      // the per-version counts that DekRepository.insert keeps
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO dek_kek_versions (namespace, kek, kek_version, deks)"
          + " VALUES ('default', 'tenants', 1, ?)")) {
        ps.setLong(1, count);
        ps.executeUpdate();
      }
      c.commit();
      if (url.startsWith("jdbc:postgresql:")) {
        try (java.sql.Statement st = c.createStatement()) {
          c.setAutoCommit(true);
          st.execute("VACUUM ANALYZE deks");
        }
      }
    }
  }
}
