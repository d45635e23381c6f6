package dev.rekey.store;

import dev.rekey.core.port.ScheduleRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The scheduler's tables ({@code key_schedules}, {@code rotation_runs}, {@code rotation_notices},
 * {@code scheduler_cursor}). Due work is found through the partial index on {@code due_at} and
 * leased with one conditional update; on PostgreSQL the candidate rows are locked with
 * {@code FOR UPDATE SKIP LOCKED}, so concurrent nodes take disjoint sets instead of waiting.
 * An idle tick runs two indexed reads and writes nothing.
 */
public final class JdbcScheduleRepository implements ScheduleRepository {
  private static final String COLUMNS = "namespace, name, key_type, anchor_at, next_rotation_at, due_at, failures,"
      + " last_error, last_run_at";
  /**
   * On PostgreSQL an id is taken at insert and becomes visible at commit, so a key may appear below
   * the cursor after it moved: discovery looks back over this many ids for this long after the
   * cursor last moved (and once after start-up), then stops looking so an idle tick stays cheap.
   */
  private static final long POSTGRES_DISCOVERY_SLACK = 1000;
  private static final long POSTGRES_LOOK_BACK_NANOS = 120_000_000_000L;

  /** Until when (scheduler clock, epoch nanos) discovery looks back; 0: look back on the next call. */
  private volatile long lookBackUntil;

  private final JdbcTransactions tx;
  private final Dialect dialect;

  JdbcScheduleRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.dialect = dialect;
  }

  @Override
  public int discoverNewKeys(Instant now, int limit) {
    long[] state = tx.read("reading the discovery cursor", c -> new long[] {
        single(c, "SELECT position FROM scheduler_cursor WHERE name = 'keys'"),
        single(c, "SELECT COALESCE(MAX(id), 0) FROM keys")});
    long position = state[0];
    long newest = state[1];
    long t = Columns.nanos(now);
    boolean lookBack = dialect == Dialect.POSTGRESQL && (lookBackUntil == 0 || t < lookBackUntil);
    if (lookBackUntil == 0 || newest > position) {
      lookBackUntil = t + POSTGRES_LOOK_BACK_NANOS;
    }
    long from = lookBack ? Math.max(0, position - POSTGRES_DISCOVERY_SLACK) : position;
    if (newest <= position && !lookBack) {
      return 0;
    }
    List<Object[]> missing = tx.read("finding keys without a schedule", c -> {
      List<Object[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT k.id, k.namespace, k.name, k.type FROM keys k"
          + " WHERE k.id > ? AND NOT EXISTS (SELECT 1 FROM key_schedules s WHERE s.namespace = k.namespace"
          + " AND s.name = k.name) ORDER BY k.id LIMIT ?")) {
        ps.setLong(1, from);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)});
          }
        }
      }
      return out;
    });
    long next = missing.size() == limit ? (long) missing.get(missing.size() - 1)[0] : newest;
    if (missing.isEmpty() && next <= position) {
      return 0;
    }
    return tx.write("scheduling new keys", c -> {
      int added = 0;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_schedules (namespace, name, key_type, due_at)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, name) DO NOTHING")) {
        for (Object[] k : missing) {
          ps.setString(1, (String) k[1]);
          ps.setString(2, (String) k[2]);
          ps.setString(3, (String) k[3]);
          ps.setLong(4, t);
          added += ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE scheduler_cursor SET position = ? WHERE name = 'keys' AND position < ?")) {
        ps.setLong(1, next);
        ps.setLong(2, next);
        ps.executeUpdate();
      }
      return added;
    });
  }

  @Override
  public List<Entry> claimDue(Instant now, String owner, Instant leaseUntil, int limit) {
    long t = Columns.nanos(now);
    String candidates = "SELECT namespace, name FROM key_schedules WHERE due_at <= ?"
        + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?";
    boolean any = tx.read("looking for due work", c -> {
      try (PreparedStatement ps = c.prepareStatement(candidates)) {
        ps.setLong(1, t);
        ps.setLong(2, t);
        ps.setInt(3, 1);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
    if (!any) {
      return List.of();
    }
    String lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    return tx.write("leasing due work", c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("UPDATE key_schedules SET lease_owner = ?, lease_until = ?"
          + " WHERE (namespace, name) IN (" + candidates + lock + ") RETURNING " + COLUMNS)) {
        ps.setString(1, owner);
        ps.setLong(2, Columns.nanos(leaseUntil));
        ps.setLong(3, t);
        ps.setLong(4, t);
        ps.setInt(5, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(entry(rs));
          }
        }
      }
      out.sort(Comparator.comparing(Entry::dueAt));
      return out;
    });
  }

  @Override
  public boolean complete(String namespace, String name, String owner, Instant claimedDueAt, Instant anchorAt,
      Instant nextRotationAt, Instant dueAt, Instant lastRunAt) {
    return tx.write("storing a key's schedule", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE key_schedules SET anchor_at = ?, next_rotation_at = ?,"
          + " due_at = CASE WHEN due_at IS NOT NULL AND due_at <> ? AND (? IS NULL OR due_at < ?) THEN due_at ELSE ? END,"
          + " last_run_at = ?, failures = 0, last_error = NULL, lease_owner = NULL, lease_until = NULL"
          + " WHERE namespace = ? AND name = ? AND lease_owner = ?")) {
        Columns.setInstant(ps, 1, anchorAt);
        Columns.setInstant(ps, 2, nextRotationAt);
        Columns.setInstant(ps, 3, claimedDueAt);
        Columns.setInstant(ps, 4, dueAt);
        Columns.setInstant(ps, 5, dueAt);
        Columns.setInstant(ps, 6, dueAt);
        Columns.setInstant(ps, 7, lastRunAt);
        ps.setString(8, namespace);
        ps.setString(9, name);
        ps.setString(10, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean fail(String namespace, String name, String owner, int failures, String error, Instant retryAt) {
    return tx.write("recording a failed rotation", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE key_schedules SET failures = ?, last_error = ?,"
          + " due_at = ?, lease_owner = NULL, lease_until = NULL WHERE namespace = ? AND name = ? AND lease_owner = ?")) {
        ps.setInt(1, failures);
        ps.setString(2, error.length() > 500 ? error.substring(0, 500) : error);
        ps.setLong(3, Columns.nanos(retryAt));
        ps.setString(4, namespace);
        ps.setString(5, name);
        ps.setString(6, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public int markDue(String namespace, String name, String keyType, Instant at) {
    StringBuilder sql = new StringBuilder("UPDATE key_schedules SET due_at = ? WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    for (String[] f : new String[][] {{"namespace", namespace}, {"name", name}, {"key_type", keyType}}) {
      if (f[1] != null) {
        sql.append(" AND ").append(f[0]).append(" = ?");
        args.add(f[1]);
      }
    }
    return tx.write("marking schedules due", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setLong(1, Columns.nanos(at));
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 2, args.get(i));
        }
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean insertRun(Run run) {
    return tx.write("recording a scheduled run", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rotation_runs (namespace, name, scheduled_at,"
          + " version, started_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace, name, scheduled_at) DO NOTHING")) {
        ps.setString(1, run.namespace());
        ps.setString(2, run.name());
        ps.setLong(3, Columns.nanos(run.scheduledAt()));
        ps.setInt(4, run.version());
        ps.setLong(5, Columns.nanos(run.startedAt()));
        Columns.setInstant(ps, 6, run.completedAt());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<Run> findRun(String namespace, String name, Instant scheduledAt) {
    return tx.read("reading a scheduled run", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT version, started_at, completed_at FROM rotation_runs"
          + " WHERE namespace = ? AND name = ? AND scheduled_at = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        ps.setLong(3, Columns.nanos(scheduledAt));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Run(namespace, name, scheduledAt, rs.getInt(1),
              Columns.getInstant(rs, "started_at"), Columns.getInstant(rs, "completed_at"))) : Optional.empty();
        }
      }
    });
  }

  /** All runs of a key, in scheduled order (tests and status). */
  public List<Run> runs(String namespace, String name) {
    return tx.read("reading scheduled runs", c -> {
      List<Run> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT scheduled_at, version, started_at, completed_at"
          + " FROM rotation_runs WHERE namespace = ? AND name = ? ORDER BY scheduled_at")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Run(namespace, name, Columns.instant(rs.getLong(1)), rs.getInt(2),
                Columns.getInstant(rs, "started_at"), Columns.getInstant(rs, "completed_at")));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void completeRun(String namespace, String name, Instant scheduledAt, Instant at) {
    tx.write("completing a scheduled run", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rotation_runs SET completed_at = ?"
          + " WHERE namespace = ? AND name = ? AND scheduled_at = ?")) {
        ps.setLong(1, Columns.nanos(at));
        ps.setString(2, namespace);
        ps.setString(3, name);
        ps.setLong(4, Columns.nanos(scheduledAt));
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean insertNotice(String namespace, String name, int version, String threshold, Instant at) {
    return tx.write("recording an expiry notice", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rotation_notices (namespace, name, version,"
          + " threshold, fired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace, name, version, threshold) DO NOTHING")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        ps.setInt(3, version);
        ps.setString(4, threshold);
        ps.setLong(5, Columns.nanos(at));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Entry> rotationsBefore(Instant before, BiPredicate<String, String> visible, int limit) {
    return byNextRotation("next_rotation_at <= ?", List.of(Columns.nanos(before)), visible, limit);
  }

  @Override
  public List<Entry> rotationsBetween(Instant from, Instant to, BiPredicate<String, String> visible, int limit) {
    return byNextRotation("next_rotation_at > ? AND next_rotation_at <= ?",
        List.of(Columns.nanos(from), Columns.nanos(to)), visible, limit);
  }

  @Override
  public List<Entry> failed(BiPredicate<String, String> visible, int limit) {
    return firstVisible(visible, limit, last -> last == null
        ? select("WHERE failures > 0 ORDER BY failures DESC, namespace, name LIMIT ?", List.of(), limit)
        : select("WHERE failures > 0 AND failures <= ?"
            + " AND (failures < ? OR namespace > ? OR (namespace = ? AND name > ?))"
            + " ORDER BY failures DESC, namespace, name LIMIT ?",
            List.of(last.failures(), last.failures(), last.namespace(), last.namespace(), last.name()), limit));
  }

  /** Visible rows in {@code range} ordered by next rotation, then namespace and name (a total order to page on). */
  private List<Entry> byNextRotation(String range, List<Object> rangeArgs, BiPredicate<String, String> visible,
      int limit) {
    String order = " ORDER BY next_rotation_at, namespace, name LIMIT ?";
    return firstVisible(visible, limit, last -> {
      if (last == null) {
        return select("WHERE " + range + order, rangeArgs, limit);
      }
      long at = Columns.nanos(last.nextRotationAt());
      List<Object> args = new ArrayList<>(rangeArgs);
      args.addAll(List.of(at, at, last.namespace(), last.namespace(), last.name()));
      return select("WHERE " + range + " AND next_rotation_at >= ?"
          + " AND (next_rotation_at > ? OR namespace > ? OR (namespace = ? AND name > ?))" + order, args, limit);
    });
  }

  /**
   * The first {@code limit} rows {@code visible} keeps, reading page after page ({@code page} gives
   * the page after a row, or the first for null) until it has them or the rows run out: rows it
   * drops do not use up the limit, and no more than a page is held at a time. The pages are separate
   * reads: a row the scheduler moves past the cursor between two of them is read again, and kept
   * only the first time (a key is listed once).
   */
  private static List<Entry> firstVisible(BiPredicate<String, String> visible, int limit,
      Function<Entry, List<Entry>> page) {
    List<Entry> out = new ArrayList<>();
    java.util.Set<List<String>> listed = new java.util.HashSet<>();
    Entry last = null;
    while (true) {
      List<Entry> rows = page.apply(last);
      for (Entry e : rows) {
        if (visible.test(e.namespace(), e.name()) && listed.add(List.of(e.namespace(), e.name()))) {
          out.add(e);
          if (out.size() == limit) {
            return out;
          }
        }
      }
      if (rows.size() < limit) {
        return out;
      }
      last = rows.get(rows.size() - 1);
    }
  }

  @Override
  public Optional<Entry> find(String namespace, String name) {
    return tx.read("reading a key's schedule", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM key_schedules WHERE namespace = ? AND name = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Optional<Instant> earliestDue() {
    return tx.read("reading the earliest due time", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MIN(due_at) FROM key_schedules WHERE due_at IS NOT NULL");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(v));
      }
    });
  }

  private List<Entry> select(String where, List<Object> args, int limit) {
    return tx.read("reading schedules", c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM key_schedules " + where)) {
        int i = 1;
        for (Object arg : args) {
          ps.setObject(i++, arg);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(entry(rs));
          }
        }
      }
      return out;
    });
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(rs.getString("namespace"), rs.getString("name"), rs.getString("key_type"),
        Columns.getInstant(rs, "anchor_at"), Columns.getInstant(rs, "next_rotation_at"),
        Columns.getInstant(rs, "due_at"), rs.getInt("failures"), rs.getString("last_error"),
        Columns.getInstant(rs, "last_run_at"));
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
