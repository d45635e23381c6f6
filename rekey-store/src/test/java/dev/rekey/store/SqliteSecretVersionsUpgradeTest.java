package dev.rekey.store;

import static dev.rekey.store.Fixtures.material;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.secret.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V17 rebuilds secret_versions in primary-key order: a database written before keeps every version. */
class SqliteSecretVersionsUpgradeTest {
  @TempDir Path dir;

  @Test
  void v17_keepsEverySecretVersionWrittenBefore_andWritesGoOnAfter() throws Exception {
    Secret written = SecretRepositoryContract.secret("default", "db")
        .addVersion(material("v2", "root-1"), null, false, t(1))
        .addVersion(material("v3", "root-2"), t(48), true, t(2))
        .withLabel("blue", 1);
    StoreConfig reference = Backends.sqlite(dir.resolve("reference"));
    try (Store store = Store.open(reference)) {
      store.secrets().insert(written);
    }
    StoreConfig old = Backends.sqlite(dir.resolve("old"));
    java.nio.file.Files.createDirectories(dir.resolve("old").resolve("data"));
    try (Connection c = DriverManager.getConnection(old.jdbcUrl());
        Connection ref = DriverManager.getConnection(reference.jdbcUrl())) {
      OldSchema.migrateBelow(c, Dialect.SQLITE, 17);
      copyRows(ref, c, "secrets", "SELECT s.*, r.revision FROM secrets s JOIN secret_revisions r ON r.secret_id = s.id");
      copyRows(ref, c, "secret_versions", "SELECT * FROM secret_versions");
    }

    try (Store store = Store.open(old)) {
      assertThat(store.secrets().find("default", "db")).contains(written);
      Secret next = written.addVersion(material("v4", "root-1"), null, false, t(3));
      store.secrets().update(written, next);
      assertThat(store.secrets().find("default", "db")).contains(next);
      assertThat(store.secrets().findWrappedByOtherRoot("root-1", 10)).extracting(Secret::name).containsExactly("db");
    }
    try (Connection c = DriverManager.getConnection(old.jdbcUrl());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'secret_versions'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains("WITHOUT ROWID");
    }
  }

  private static void copyRows(Connection from, Connection to, String table, String query) throws SQLException {
    try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        names.add(rs.getMetaData().getColumnName(i));
      }
      String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
      try (PreparedStatement ps = to.prepareStatement(sql)) {
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            ps.setObject(i, rs.getObject(i));
          }
          ps.executeUpdate();
        }
      }
    }
  }
}
