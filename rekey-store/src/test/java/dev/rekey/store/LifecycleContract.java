package dev.rekey.store;

import static dev.rekey.store.Fixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.store.testing.Sha256Chainer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Opening, migrating, reopening: run on every dialect. */
abstract class LifecycleContract extends StoreContract {

  @Test
  void open_reopenedDatabase_seesDataAndAppliesNoMigrationTwice() throws SQLException {
    store.keys().insert(simple("default", "persisted"));
    store.audit().append(AuditContract.events("a", 0, 3), new Sha256Chainer());
    store.close();

    Store reopened = open(config);

    assertThat(reopened.keys().find("default", "persisted")).isPresent();
    assertThat(reopened.audit().head().seq()).isEqualTo(3);
    assertThat(query("SELECT COUNT(*) FROM schema_version")).isEqualTo(Migrator.load(config.dialect()).size());
    assertThat(query("SELECT COUNT(*) FROM audit_head")).isEqualTo(1);
  }

  @Test
  void open_reportsDialectOfUrl() {
    assertThat(store.dialect()).isEqualTo(config.dialect());
    assertThat(store.toString()).doesNotContain("password");
  }

  @Test
  void open_severalNodesAtOnceOnFreshDatabase_allMigrateOnce() throws Exception {
    StoreConfig fresh = newDatabase(tempDir.resolve("fresh"));
    int nodes = 4;
    CyclicBarrier start = new CyclicBarrier(nodes);
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    List<Future<Store>> opened = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        opened.add(pool.submit(() -> {
          start.await();
          return Store.open(fresh);
        }));
      }
      for (Future<Store> f : opened) {
        Store s = f.get();
        s.keys().find("default", "x");
        s.close();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(query(fresh, "SELECT COUNT(*) FROM schema_version")).isEqualTo(Migrator.load(fresh.dialect()).size());
  }

  @Test
  void open_databaseNewerThanThisCode_isRefusedWithAdvice() throws SQLException {
    store.close();
    execute("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)");

    assertThatThrownBy(() -> open(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("999")
        .hasMessageContaining("upgrade Rekey");
  }

  private long query(String sql) throws SQLException {
    return query(config, sql);
  }

  static long query(StoreConfig c, String sql) throws SQLException {
    try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection conn = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }
}
