package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.port.StoredDekVersions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DEK versions in table {@code deks}. Re-wrapping updates rows conditionally on their row version:
 * on PostgreSQL as one {@code UPDATE ... FROM unnest(...)} per batch, on SQLite as one
 * {@code UPDATE ... FROM (VALUES ...)} per 1,000 rows; both join the caller's transaction.
 * Table {@code dek_kek_versions} counts the rows per (namespace, KEK, KEK version) and moves with
 * every insert and re-wrap in the same transaction: no index contains {@code kek_version}, so a
 * re-wrap moves no index entry (and stays a HOT update on PostgreSQL).
 */
final class JdbcDekRepository implements DekRepository, StoredDekVersions {
  private static final String COLUMNS = "id, namespace, kek, tenant, version, kek_version, wrapped, created_at,"
      + " row_version, rewrap_campaign";

  private final JdbcTransactions tx;
  private final Dialect dialect;

  JdbcDekRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.dialect = dialect;
  }

  @Override
  public StoredDek insert(StoredDek d) {
    long createdAt = Columns.nanos(d.createdAt());
    return tx.write("inserting a data key", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO deks (namespace, kek, tenant, version,"
          + " kek_version, wrapped, created_at, row_version, rewrap_campaign) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace, kek, tenant, version) DO NOTHING RETURNING id")) {
        ps.setString(1, d.namespace());
        ps.setString(2, d.kek());
        ps.setString(3, d.tenant());
        ps.setInt(4, d.version());
        ps.setInt(5, d.kekVersion());
        ps.setBytes(6, d.wrapped());
        ps.setLong(7, createdAt);
        ps.setLong(8, d.rowVersion());
        setNullableLong(ps, 9, d.rewrapCampaign());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw RekeyException.alreadyExists("tenant '" + d.tenant() + "' already has data key version "
                + d.version() + " under key '" + d.kek() + "'");
          }
          StoredDek stored = new StoredDek(rs.getLong(1), d.namespace(), d.kek(), d.tenant(), d.version(),
              d.kekVersion(), d.wrapped(), d.createdAt(), d.rowVersion(), d.rewrapCampaign());
          addToCount(c, d.namespace(), d.kek(), d.kekVersion(), 1);
          return stored;
        }
      }
    });
  }

  /** Adds {@code delta} to the stored DEK count of a KEK version (creating its row). */
  private static void addToCount(Connection c, String namespace, String kek, int kekVersion, long delta)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO dek_kek_versions (namespace, kek, kek_version, deks)"
        + " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, kek, kek_version)"
        + " DO UPDATE SET deks = dek_kek_versions.deks + excluded.deks")) {
      ps.setString(1, namespace);
      ps.setString(2, kek);
      ps.setInt(3, kekVersion);
      ps.setLong(4, delta);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<StoredDek> find(String namespace, String kek, String tenant, int version) {
    return tx.read("reading a data key", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM deks WHERE namespace = ? AND kek = ? AND tenant = ? AND version = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        ps.setString(3, tenant);
        ps.setInt(4, version);
        return readAll(ps).stream().findFirst();
      }
    });
  }

  @Override
  public Optional<StoredDek> latest(String namespace, String kek, String tenant) {
    return tx.read("reading a data key", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM deks WHERE namespace = ? AND kek = ? AND tenant = ? ORDER BY version DESC LIMIT 1")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        ps.setString(3, tenant);
        return readAll(ps).stream().findFirst();
      }
    });
  }

  @Override
  public List<StoredDek> versions(String namespace, String kek, String tenant) {
    return tx.read("reading data key versions", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM deks WHERE namespace = ? AND kek = ? AND tenant = ? ORDER BY version")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        ps.setString(3, tenant);
        return readAll(ps);
      }
    });
  }

  @Override
  public List<StoredDek> list(String namespace, String kek, String afterTenant, int limit) {
    return tx.read("listing data keys", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM deks d"
          + " WHERE namespace = ? AND kek = ? AND tenant > ? AND version = (SELECT MAX(version) FROM deks m"
          + " WHERE m.namespace = d.namespace AND m.kek = d.kek AND m.tenant = d.tenant) ORDER BY tenant LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        ps.setString(3, afterTenant == null ? "" : afterTenant);
        ps.setInt(4, limit);
        return readAll(ps);
      }
    });
  }

  @Override
  public List<StoredDek> page(String namespace, String kek, int kekVersion, Long campaign, long afterId, int limit) {
    return tx.read("reading a page of data keys", c -> {
      // Only the columns that vary: this runs for every row of a campaign. SQLite would otherwise
      // pick the unique (namespace, kek, tenant, version) index and sort the KEK's rows per page.
      try (PreparedStatement ps = c.prepareStatement("SELECT id, tenant, version, wrapped, created_at, row_version,"
          + " rewrap_campaign FROM deks" + (dialect == Dialect.SQLITE ? " INDEXED BY deks_by_kek" : "")
          + " WHERE namespace = ? AND kek = ? AND kek_version = ? AND id > ?"
          + (campaign == null ? "" : " AND rewrap_campaign = ?") + " ORDER BY id LIMIT ?")) {
        int i = 1;
        ps.setString(i++, namespace);
        ps.setString(i++, kek);
        ps.setInt(i++, kekVersion);
        ps.setLong(i++, afterId);
        if (campaign != null) {
          ps.setLong(i++, campaign);
        }
        ps.setInt(i, limit);
        List<StoredDek> out = new ArrayList<>(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long marker = rs.getLong(7);
            out.add(new StoredDek(rs.getLong(1), namespace, kek, rs.getString(2), rs.getInt(3), kekVersion,
                rs.getBytes(4), Columns.instant(rs.getLong(5)), rs.getLong(6), rs.wasNull() ? null : marker));
          }
        }
        return out;
      }
    });
  }

  @Override
  public int rewrap(String namespace, String kek, int fromKekVersion, List<Rewrapped> rows, int kekVersion,
      Long campaign) {
    if (rows.isEmpty()) {
      return 0;
    }
    Target t = new Target(namespace, kek, fromKekVersion, kekVersion, campaign);
    return tx.write("re-wrapping data keys", c -> {
      int updated = dialect == Dialect.POSTGRESQL ? rewrapUnnest(c, rows, t) : rewrapValues(c, rows, t);
      if (updated > 0 && fromKekVersion != kekVersion) {
        // source first, then target: the target (the primary) is the row DEK inserts also lock
        addToCount(c, namespace, kek, fromKekVersion, -updated);
        addToCount(c, namespace, kek, kekVersion, updated);
      }
      return updated;
    });
  }

  /** Which rows a re-wrap may change (KEK and source version) and what it sets. */
  private record Target(String namespace, String kek, int from, int to, Long campaign) {}

  private static int rewrapUnnest(Connection c, List<Rewrapped> rows, Target t) throws SQLException {
    Long[] ids = new Long[rows.size()];
    Long[] expected = new Long[rows.size()];
    byte[][] wrapped = new byte[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      ids[i] = rows.get(i).id();
      expected[i] = rows.get(i).expectedRowVersion();
      wrapped[i] = rows.get(i).wrapped();
    }
    Array idArray = c.createArrayOf("bigint", ids);
    Array expectedArray = c.createArrayOf("bigint", expected);
    Array wrappedArray = c.createArrayOf("bytea", wrapped);
    try (PreparedStatement ps = c.prepareStatement("UPDATE deks AS d SET wrapped = u.w, kek_version = ?,"
        + " row_version = d.row_version + 1, rewrap_campaign = ?"
        + " FROM unnest(?::bigint[], ?::bigint[], ?::bytea[]) AS u(id, rv, w)"
        // '|| ''': not an index condition, so each row is found by its primary key (an int8 B-tree)
        // rather than through deks_by_kek (namespace, kek, id), whose wider keys cost a third more per row
        + " WHERE d.id = u.id AND d.row_version = u.rv AND d.namespace || '' = ? AND d.kek || '' = ?"
        + " AND d.kek_version = ?")) {
      ps.setInt(1, t.to());
      setNullableLong(ps, 2, t.campaign());
      ps.setArray(3, idArray);
      ps.setArray(4, expectedArray);
      ps.setArray(5, wrappedArray);
      ps.setString(6, t.namespace());
      ps.setString(7, t.kek());
      ps.setInt(8, t.from());
      return ps.executeUpdate();
    } finally {
      idArray.free();
      expectedArray.free();
      wrappedArray.free();
    }
  }

  /** Rows per {@code UPDATE ... FROM (VALUES ...)} on SQLite: 3 parameters each, under its limit of 32,766. */
  static final int SQLITE_CHUNK = 1000;

  /**
   * One {@code UPDATE ... FROM (VALUES ...)} per chunk of rows: the same B-tree work as single-row
   * updates with far fewer statement executions.
   */
  private static int rewrapValues(Connection c, List<Rewrapped> rows, Target t) throws SQLException {
    int updated = 0;
    PreparedStatement full = null;
    try {
      for (int from = 0; from < rows.size(); from += SQLITE_CHUNK) {
        int n = Math.min(SQLITE_CHUNK, rows.size() - from);
        PreparedStatement ps = n == SQLITE_CHUNK && full != null ? full : c.prepareStatement(valuesUpdate(n));
        if (n == SQLITE_CHUNK) {
          full = ps;
        }
        try {
          ps.setInt(1, t.to());
          setNullableLong(ps, 2, t.campaign());
          int p = 3;
          for (int i = from; i < from + n; i++) {
            Rewrapped r = rows.get(i);
            ps.setLong(p++, r.id());
            ps.setBytes(p++, r.wrapped());
            ps.setLong(p++, r.expectedRowVersion());
          }
          ps.setString(p++, t.namespace());
          ps.setString(p++, t.kek());
          ps.setInt(p, t.from());
          updated += ps.executeUpdate();
        } finally {
          if (ps != full) {
            ps.close();
          }
        }
      }
    } finally {
      if (full != null) {
        full.close();
      }
    }
    return updated;
  }

  private static String valuesUpdate(int rows) {
    StringBuilder sql = new StringBuilder("UPDATE deks SET wrapped = u.column2, kek_version = ?,"
        + " row_version = deks.row_version + 1, rewrap_campaign = ? FROM (VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    return sql.append(") AS u WHERE deks.id = u.column1 AND deks.row_version = u.column3 AND +deks.namespace = ?"
        + " AND +deks.kek = ? AND +deks.kek_version = ?").toString(); // '+': no index, drive from the VALUES
  }

  @Override
  public long countWrapped(String namespace, String kek, int from, int toExclusive) {
    if (from >= toExclusive) {
      return 0;
    }
    return tx.read("counting data keys", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(deks), 0) FROM dek_kek_versions"
          + " WHERE namespace = ? AND kek = ? AND kek_version >= ? AND kek_version < ?")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        ps.setInt(3, from);
        ps.setInt(4, toExclusive);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public Optional<KekVersionRef> nextKekVersion(KekVersionRef after) {
    return tx.read("finding KEK versions in use", c -> {
      String where = after == null ? "" : " AND (namespace, kek, kek_version) > (?, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace, kek, kek_version FROM dek_kek_versions"
          + " WHERE deks > 0" + where + " ORDER BY namespace, kek, kek_version LIMIT 1")) {
        if (after != null) {
          ps.setString(1, after.namespace());
          ps.setString(2, after.kek());
          ps.setInt(3, after.kekVersion());
        }
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new KekVersionRef(rs.getString(1), rs.getString(2), rs.getInt(3)))
              : Optional.empty();
        }
      }
    });
  }

  /** Reads rows selected as {@link #COLUMNS}, by position (this runs for every row of a campaign). */
  private static List<StoredDek> readAll(PreparedStatement ps) throws SQLException {
    List<StoredDek> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long campaign = rs.getLong(10);
        Long marker = rs.wasNull() ? null : campaign;
        out.add(new StoredDek(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
            rs.getInt(6), rs.getBytes(7), Columns.instant(rs.getLong(8)), rs.getLong(9), marker));
      }
    }
    return out;
  }

  static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }
}
