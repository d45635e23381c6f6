package dev.rekey.store;

import dev.rekey.core.port.SystemRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Named opaque blobs in table {@code system_values}. {@link #compareAndSet} is one conditional
 * UPDATE comparing the stored bytes, so two nodes racing on it cannot both win. The locking reads
 * ({@link #getShared}, {@link #getExclusive}) lock the row on PostgreSQL; on SQLite the
 * transaction holds the only write lock already, so they are plain reads.
 */
final class JdbcSystemRepository implements SystemRepository {
  private static final String SELECT = "SELECT value FROM system_values WHERE name = ?";

  private final JdbcTransactions tx;
  private final String selectShared;
  private final String selectExclusive;

  JdbcSystemRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    boolean locks = dialect == Dialect.POSTGRESQL;
    this.selectShared = SELECT + (locks ? " FOR SHARE" : "");
    this.selectExclusive = SELECT + (locks ? " FOR UPDATE" : "");
  }

  @Override
  public Optional<byte[]> get(String name) {
    return select(name, SELECT, "reading system state");
  }

  @Override
  public Optional<byte[]> getShared(String name) {
    return select(name, selectShared, "reading system state (shared lock)");
  }

  @Override
  public Optional<byte[]> getExclusive(String name) {
    return select(name, selectExclusive, "reading system state (exclusive lock)");
  }

  private Optional<byte[]> select(String name, String sql, String what) {
    Objects.requireNonNull(name, "name");
    return tx.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean putIfAbsent(String name, byte[] value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    byte[] copy = value.clone();
    return tx.write("storing system state", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO system_values (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
        ps.setString(1, name);
        ps.setBytes(2, copy);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** With {@code expected == null} this is {@link #putIfAbsent}: "replace nothing". */
  @Override
  public boolean compareAndSet(String name, byte[] expected, byte[] value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (expected == null) {
      return putIfAbsent(name, value);
    }
    byte[] expectedCopy = expected.clone();
    byte[] copy = value.clone();
    return tx.write("replacing system state", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE system_values SET value = ? WHERE name = ? AND value = ?")) {
        ps.setBytes(1, copy);
        ps.setString(2, name);
        ps.setBytes(3, expectedCopy);
        return ps.executeUpdate() == 1;
      }
    });
  }
}
