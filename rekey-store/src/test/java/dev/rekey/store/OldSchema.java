package dev.rekey.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A database as an older Rekey left it: for the tests of migrations that change existing rows. */
final class OldSchema {
  private OldSchema() {}

  /** What {@link Migrator#migrate} does on {@code dialect}, up to (not including) {@code version}. */
  static void migrateBelow(Connection c, Dialect dialect, int version) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
          + " applied_at BIGINT NOT NULL)");
      for (Migrator.Migration m : Migrator.load(dialect)) {
        if (m.version() >= version) {
          continue;
        }
        for (String sql : Migrator.statements(m.sql())) {
          st.execute(sql);
        }
        st.execute("INSERT INTO schema_version VALUES (" + m.version() + ", '" + m.description() + "', 0)");
      }
    }
  }
}
