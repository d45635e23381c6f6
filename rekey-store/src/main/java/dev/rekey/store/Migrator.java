package dev.rekey.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Applies the versioned SQL files {@code db/<dialect>/V<n>__<description>.sql} listed in order in
 * {@code db/<dialect>/index.txt}. Each migration runs in its own transaction together with its row
 * in {@code schema_version}, so it is applied entirely or not at all; applied ones are skipped.
 * On PostgreSQL a session advisory lock serialises nodes that start at the same time; on SQLite
 * the IMMEDIATE transaction does. A database newer than this code is refused.
 */
final class Migrator {
  /** Advisory lock id: "REKEY" in ASCII. */
  static final long ADVISORY_LOCK = 0x52454B4559L;

  record Migration(int version, String description, String sql) {}

  private Migrator() {}

  static int migrate(DataSource ds, Dialect dialect) {
    List<Migration> migrations = load(dialect);
    try (Connection c = ds.getConnection()) {
      if (dialect == Dialect.POSTGRESQL) {
        exec(c, "SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
      }
      try {
        exec(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
            + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        int known = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        int current = currentVersion(c);
        if (current > known) {
          throw new IllegalStateException("the database schema is at version " + current
              + " but this Rekey knows versions up to " + known + ": upgrade Rekey");
        }
        int applied = 0;
        for (Migration m : migrations) {
          if (apply(c, m)) {
            applied++;
          }
        }
        return applied;
      } finally {
        if (dialect == Dialect.POSTGRESQL) {
          exec(c, "SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("schema migration failed (SQL state " + e.getSQLState() + "): "
          + e.getMessage(), e);
    }
  }

  private static boolean apply(Connection c, Migration m) throws SQLException {
    c.setAutoCommit(false);
    try {
      boolean done;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schema_version WHERE version = ?")) {
        ps.setInt(1, m.version());
        try (ResultSet rs = ps.executeQuery()) {
          done = rs.next();
        }
      }
      // Commit only once the query is closed: sqlite-jdbc begins the next transaction inside
      // commit(), and a SELECT still open there holds a read snapshot that cannot take the write
      // lock once another node has migrated meanwhile (SQLITE_BUSY at once, no busy wait).
      if (done) {
        c.commit();
        return false;
      }
      try (Statement st = c.createStatement()) {
        for (String sql : statements(m.sql())) {
          st.execute(sql);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
        ps.setInt(1, m.version());
        ps.setString(2, m.description());
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
      }
      c.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static int currentVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  static List<Migration> load(Dialect dialect) {
    String folder = "db/" + dialect.resourceFolder() + "/";
    List<Migration> result = new ArrayList<>();
    for (String line : resource(folder + "index.txt").split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      if (!file.matches("V[1-9][0-9]*__[A-Za-z0-9_]+\\.sql")) {
        throw new IllegalStateException("migration file name '" + file + "' must look like V2__add_leases.sql");
      }
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      // Increasing, gaps allowed: numbers are reserved per feature branch before all have landed.
      if (version <= (result.isEmpty() ? 0 : result.get(result.size() - 1).version())) {
        throw new IllegalStateException("migrations must be listed in increasing order in " + folder + "index.txt");
      }
      String description = file.substring(file.indexOf("__") + 2, file.length() - 4).replace('_', ' ');
      result.add(new Migration(version, description, resource(folder + file)));
    }
    return result;
  }

  /** Splits a script into statements at semicolons ending a line; drops full-line comments. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String resource(String path) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
