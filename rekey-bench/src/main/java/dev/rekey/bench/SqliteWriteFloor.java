package dev.rekey.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.sqlite.SQLiteConfig;

/**
 * What SQLite itself allows for durable secret puts on this machine, without any of Rekey's code:
 * sqlite-jdbc with the store's settings (WAL, synchronous=FULL, IMMEDIATE transactions, foreign
 * keys, savepoint journals in memory, memory-mapped reads, no generated keys), {@code clients}
 * threads each waiting for its put, one writer thread that group-commits whatever is queued (up to
 * 64) with one audit-block row per batch.
 *
 * <ul>
 *   <li>{@code tables}: a put as Rekey stores it, in raw JDBC without savepoints: the secret's row
 *       updated under its revision, its new version inserted in {@code secret_versions} (clustered
 *       by secret, as V17), the old CURRENT moved to PREVIOUS and the old PREVIOUS retired, and
 *       {@code events} rows (ids time-ordered, as the outbox's).
 *   <li>{@code narrow}: as {@code tables}, but the revision the put is conditional on lives in a
 *       narrow table of its own ({@code secret_revisions}), so the secret's row is not rewritten.
 *   <li>{@code log}: a put as one 400-byte row appended to a log of secret changes, conditional on
 *       its revision through a unique index on (secret, revision); versions and staging labels
 *       would be read from that log (no table of versions updated), plus the events.
 *   <li>{@code append}: a put as one 600-byte row appended to a table.
 * </ul>
 *
 * <pre>java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.SqliteWriteFloor tables|narrow|log|append [seconds] [clients] [events]</pre>
 */
public final class SqliteWriteFloor {
  private static final int SECRETS = 1000;

  private SqliteWriteFloor() {}

  private record Put(int secret, CompletableFuture<Void> done) {}

  /** How a put is stored (see the class comment). */
  private enum Layout { TABLES, NARROW, LOG, APPEND }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "tables";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int events = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Layout layout;
    try {
      layout = Layout.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mode is tables, narrow, log or append");
    }
    Path dir = Files.createTempDirectory("rekey-sqlite-floor");
    try (Connection c = settings().createConnection("jdbc:sqlite:" + dir.resolve("floor.db"))) {
      schema(c);
      Writer writer = new Writer(c, layout, events);
      Thread thread = new Thread(writer::run, "floor-writer");
      thread.setDaemon(true);
      thread.start();
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder done = new LongAdder();
      for (int i = 0; i < clients; i++) {
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            Put p = new Put(ThreadLocalRandom.current().nextInt(SECRETS), new CompletableFuture<>());
            writer.queue.add(p);
            p.done.join();
            done.increment();
          }
        });
        t.setDaemon(true);
        t.start();
      }
      Thread.sleep(5000); // warm-up
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long n0 = done.sum();
      long batches0 = writer.batches;
      long cpu0 = mx.getThreadCpuTime(thread.getId());
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long n = done.sum() - n0;
      long cpu = mx.getThreadCpuTime(thread.getId()) - cpu0;
      long batches = writer.batches - batches0;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      writer.stop = true;
      thread.join();
      if (writer.failure != null) {
        throw new IllegalStateException("the writer failed; no result", writer.failure);
      }
      System.out.printf("mode=%s events=%d clients=%d puts_per_s=%.0f writer_us_per_put=%.1f writer_busy=%.0f%%"
          + " mean_batch=%.1f%n", mode, events, clients, n / elapsed, cpu / 1e3 / n, 100.0 * cpu / 1e9 / elapsed,
          (double) n / Math.max(1, batches));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0); // clients may still wait for a put the stopped writer never takes
  }

  /** As {@code Pools.sqlite} configures the store's connections. */
  private static SQLiteConfig settings() {
    SQLiteConfig sc = new SQLiteConfig();
    sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sc.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sc.enforceForeignKeys(true);
    sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    sc.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(1L << 30));
    sc.setTempStore(SQLiteConfig.TempStore.MEMORY);
    sc.setGetGeneratedKeys(false);
    return sc;
  }

  private static void schema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE secrets (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, name TEXT NOT NULL,"
          + " tags TEXT NOT NULL, labels TEXT NOT NULL, created_at INTEGER NOT NULL, revision INTEGER NOT NULL,"
          + " UNIQUE (namespace, name))");
      s.execute("CREATE TABLE secret_versions (secret_id INTEGER NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,"
          + " number INTEGER NOT NULL, state TEXT NOT NULL, material BLOB, root_key_id TEXT,"
          + " created_at INTEGER NOT NULL, state_changed_at INTEGER NOT NULL, revoked_at INTEGER,"
          + " destroy_after INTEGER, expires_at INTEGER, next_notice_at INTEGER, PRIMARY KEY (secret_id, number),"
          + " CHECK ((material IS NULL) = (root_key_id IS NULL))) WITHOUT ROWID");
      s.execute("CREATE INDEX secret_versions_root ON secret_versions (root_key_id, created_at)"
          + " WHERE material IS NOT NULL");
      s.execute("CREATE INDEX secret_versions_expiry ON secret_versions (expires_at) WHERE expires_at IS NOT NULL");
      s.execute("CREATE INDEX secret_versions_notice ON secret_versions (next_notice_at)"
          + " WHERE next_notice_at IS NOT NULL");
      s.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
          + " event_time INTEGER NOT NULL, namespace TEXT NOT NULL, subject TEXT NOT NULL, tags TEXT NOT NULL,"
          + " data TEXT NOT NULL, dispatched_at INTEGER)");
      s.execute("CREATE TABLE audit_blocks (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL,"
          + " records BLOB NOT NULL)");
      s.execute("CREATE TABLE secret_revisions (secret_id INTEGER PRIMARY KEY, revision INTEGER NOT NULL)");
      s.execute("CREATE TABLE secret_log (seq INTEGER PRIMARY KEY, secret_id INTEGER NOT NULL,"
          + " revision INTEGER NOT NULL, payload BLOB NOT NULL, UNIQUE (secret_id, revision))");
      s.execute("CREATE TABLE appended (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
    }
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets (namespace, name, tags, labels, created_at,"
        + " revision) VALUES ('default', ?, '{}', '{}', 0, 1)");
        PreparedStatement v = c.prepareStatement("INSERT INTO secret_versions (secret_id, number, state, material,"
            + " root_key_id, created_at, state_changed_at) VALUES (?, 1, 'PRIMARY', X'00', 'root', 0, 0)");
        PreparedStatement r = c.prepareStatement("INSERT INTO secret_revisions (secret_id, revision) VALUES (?, 1)");
        PreparedStatement l = c.prepareStatement("INSERT INTO secret_log (secret_id, revision, payload)"
            + " VALUES (?, 1, X'00')")) {
      for (int i = 0; i < SECRETS; i++) {
        ps.setString(1, "bench-" + i);
        ps.executeUpdate();
        for (PreparedStatement byId : List.of(v, r, l)) {
          byId.setLong(1, i + 1);
          byId.executeUpdate();
        }
      }
    }
    c.commit();
  }

  /** The group-commit writer: one transaction per drained batch. */
  private static final class Writer {
    final BlockingQueue<Put> queue = new LinkedBlockingQueue<>();
    final Connection c;
    final Layout layout;
    final int events;
    final long[] revision = new long[SECRETS];
    final byte[] material = new byte[120];
    volatile boolean stop;
    volatile long batches;
    volatile Exception failure;
    long auditSeq;

    Writer(Connection c, Layout layout, int events) {
      this.c = c;
      this.layout = layout;
      this.events = events;
      Arrays.fill(revision, 1);
      ThreadLocalRandom.current().nextBytes(material);
    }

    void run() {
      List<Put> batch = new ArrayList<>();
      try (PreparedStatement row = c.prepareStatement("UPDATE secrets SET labels = ?, revision = ?"
          + " WHERE namespace = 'default' AND name = ? AND revision = ? RETURNING id");
          PreparedStatement version = c.prepareStatement("INSERT INTO secret_versions (secret_id, number, state,"
              + " material, root_key_id, created_at, state_changed_at) VALUES (?, ?, 'PRIMARY', ?, 'root', ?, ?)");
          PreparedStatement previous = c.prepareStatement("UPDATE secret_versions SET state = ?,"
              + " state_changed_at = ?, revoked_at = ?, destroy_after = ? WHERE secret_id = ? AND number = ?");
          PreparedStatement event = c.prepareStatement("INSERT INTO events (id, type, event_time, namespace,"
              + " subject, tags, data) VALUES (?, 'SecretVersionStateChanged', ?, 'default', ?, '{}', ?)");
          PreparedStatement append = c.prepareStatement("INSERT INTO appended (payload) VALUES (?)");
          PreparedStatement revisionRow = c.prepareStatement("UPDATE secret_revisions SET revision = ?"
              + " WHERE secret_id = ? AND revision = ?");
          PreparedStatement change = c.prepareStatement("INSERT INTO secret_log (secret_id, revision, payload)"
              + " VALUES (?, ?, ?)");
          PreparedStatement audit = c.prepareStatement("INSERT INTO audit_blocks (first_seq, last_seq, records)"
              + " VALUES (?, ?, ?)")) {
        while (!stop) {
          Put first = queue.poll(10, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, 63);
          for (Put p : batch) {
            switch (layout) {
              case TABLES, NARROW -> putAsTables(p.secret, layout == Layout.NARROW ? revisionRow : row, version,
                  previous, event);
              case LOG -> putAsLog(p.secret, change, event);
              case APPEND -> {
                append.setBytes(1, new byte[600]);
                append.executeUpdate();
              }
            }
          }
          audit.setLong(1, auditSeq + 1);
          audit.setLong(2, auditSeq + batch.size());
          audit.setBytes(3, new byte[300 * batch.size()]);
          audit.executeUpdate();
          auditSeq += batch.size();
          c.commit(); // synchronous=FULL: the WAL is on disk when this returns
          batches++;
          for (Put p : batch) {
            p.done.complete(null);
          }
          batch.clear();
        }
      } catch (SQLException | InterruptedException | RuntimeException e) {
        failure = e;
      }
    }

    private void putAsTables(int secret, PreparedStatement row, PreparedStatement version,
        PreparedStatement previous, PreparedStatement event) throws SQLException {
      long r = revision[secret];
      long now = System.nanoTime();
      long id = layout == Layout.NARROW ? checkNarrowRevision(row, secret, r) : updateRow(row, secret, r);
      version.setLong(1, id);
      version.setLong(2, r + 1);
      version.setBytes(3, material);
      version.setLong(4, now);
      version.setLong(5, now);
      version.executeUpdate();
      move(previous, id, r, "ACTIVE", now); // the old CURRENT becomes PREVIOUS
      if (r >= 2) {
        move(previous, id, r - 1, "RETIRED", now); // and the old PREVIOUS is retired
      }
      events(event, secret, r + 1, now);
      revision[secret] = r + 1;
    }

    /** The secret's row, labels and revision, rewritten under its revision; returns its id. */
    private static long updateRow(PreparedStatement row, int secret, long r) throws SQLException {
      row.setString(1, "{\"CURRENT\":" + (r + 1) + "}");
      row.setLong(2, r + 1);
      row.setString(3, "bench-" + secret);
      row.setLong(4, r);
      try (ResultSet rs = row.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("stale revision");
        }
        return rs.getLong(1);
      }
    }

    private static long checkNarrowRevision(PreparedStatement revisionRow, int secret, long r) throws SQLException {
      revisionRow.setLong(1, r + 1);
      revisionRow.setLong(2, secret + 1);
      revisionRow.setLong(3, r);
      if (revisionRow.executeUpdate() != 1) {
        throw new IllegalStateException("stale revision");
      }
      return secret + 1;
    }

    /** One appended change row; the unique (secret, revision) index refuses a stale one. */
    private void putAsLog(int secret, PreparedStatement change, PreparedStatement event) throws SQLException {
      long r = revision[secret];
      change.setLong(1, secret + 1);
      change.setLong(2, r + 1);
      change.setBytes(3, new byte[400]);
      change.executeUpdate();
      events(event, secret, r + 1, System.nanoTime());
      revision[secret] = r + 1;
    }

    private void events(PreparedStatement event, int secret, long version, long now) throws SQLException {
      for (int e = 0; e < events; e++) {
        event.setString(1, String.format("%016x-%08x", System.nanoTime(), ThreadLocalRandom.current().nextInt()));
        event.setLong(2, now);
        event.setString(3, "secrets/bench-" + secret + "/versions/" + version);
        event.setString(4, "{\"secret\":\"bench-" + secret + "\",\"version\":" + version
            + ",\"previous_state\":\"PENDING\",\"state\":\"PRIMARY\"}");
        event.addBatch();
      }
      if (events > 0) {
        event.executeBatch();
      }
    }

    private static void move(PreparedStatement ps, long id, long number, String state, long now) throws SQLException {
      ps.setString(1, state);
      ps.setLong(2, now);
      ps.setNull(3, Types.BIGINT);
      ps.setNull(4, Types.BIGINT);
      ps.setLong(5, id);
      ps.setLong(6, number);
      ps.executeUpdate();
    }
  }
}
