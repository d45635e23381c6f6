package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The per-connection statement cache on a real SQLite file: reuse, isolation of users, eviction, failures. */
class StatementCacheTest {
  @TempDir
  Path dir;
  private Connection physical;
  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("t.db"));
    physical = ds.getConnection();
    c = StatementCache.wrap(physical, 2);
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
      st.executeUpdate("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
    assertThat(physical.isClosed()).isTrue();
  }

  @Test
  void aClosedHandleReturnsTheSameStatementWithFreshParameters() throws SQLException {
    Object first;
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      first = real(ps);
      ps.setInt(1, 1);
      assertThat(value(ps)).isEqualTo("a");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      assertThat(real(ps)).isSameAs(first);
      // the previous binding was cleared: an unbound parameter is NULL, which matches no row
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isFalse();
      }
      ps.setInt(1, 3);
      assertThat(value(ps)).isEqualTo("c");
      assertThat(ps.isClosed()).isFalse();
    }
  }

  @Test
  void aSecondOpenUserOfTheSameSqlGetsItsOwnStatement() throws SQLException {
    String sql = "SELECT v FROM t WHERE id = ?";
    try (PreparedStatement outer = c.prepareStatement(sql); PreparedStatement inner = c.prepareStatement(sql)) {
      assertThat(real(inner)).isNotSameAs(real(outer));
      outer.setInt(1, 1);
      try (ResultSet rs = outer.executeQuery()) {
        assertThat(rs.next()).isTrue();
        inner.setInt(1, 2);
        assertThat(value(inner)).isEqualTo("b");
        assertThat(rs.getString(1)).isEqualTo("a");
      }
    }
  }

  @Test
  void anUnclosedResultSetIsClosedWithItsHandleSoWritersAreNotBlocked() throws SQLException {
    PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY id");
    ResultSet rs = ps.executeQuery();
    assertThat(rs.next()).isTrue();
    ps.close();
    assertThat(rs.isClosed()).isTrue();
    assertThat(ps.isClosed()).isTrue();
    assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    // a checkpoint can complete: no statement of this connection still holds a read snapshot
    try (Statement st = c.createStatement(); ResultSet cp = st.executeQuery("PRAGMA wal_checkpoint")) {
      assertThat(cp.next()).isTrue();
    }
  }

  @Test
  void aStatementThatFailedIsNeverReused() throws SQLException {
    String sql = "INSERT INTO t (id, v) VALUES (?, ?)";
    Object failed;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      failed = real(ps);
      ps.setInt(1, 9);
      ps.setString(2, "a"); // violates UNIQUE (v)
      assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class);
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      assertThat(real(ps)).isNotSameAs(failed);
      ps.setInt(1, 9);
      ps.setString(2, "z");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void theLeastRecentlyUsedStatementIsFinalizedBeyondCapacity() throws SQLException {
    PreparedStatement a = c.prepareStatement("SELECT 1");
    Object realA = real(a);
    a.close();
    c.prepareStatement("SELECT 2").close();
    c.prepareStatement("SELECT 3").close(); // capacity 2: "SELECT 1" goes
    assertThat(((Statement) realA).isClosed()).isTrue();
    try (PreparedStatement again = c.prepareStatement("SELECT 1")) {
      assertThat(real(again)).isNotSameAs(realA);
    }
  }

  @Test
  void batchesAreClearedBetweenUsers() throws SQLException {
    String sql = "INSERT INTO t (id, v) VALUES (?, ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 10);
      ps.setString(2, "x");
      ps.addBatch(); // abandoned: never executed
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 11);
      ps.setString(2, "y");
      ps.addBatch();
      assertThat(ps.executeBatch()).containsExactly(1);
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(4);
    }
  }

  private static Object real(PreparedStatement ps) throws SQLException {
    return ps.unwrap(org.sqlite.jdbc3.JDBC3PreparedStatement.class);
  }

  private static String value(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
