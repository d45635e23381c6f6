package dev.rekey.store;

import dev.rekey.core.port.SystemRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Named opaque blobs in table {@code system_values}. {@link #compareAndSet} is one conditional
 * UPDATE comparing the stored bytes, so two nodes racing on it cannot both win.
 */
final class JdbcSystemRepository implements SystemRepository {
  private final JdbcTransactions tx;

  JdbcSystemRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public Optional<byte[]> get(String name) {
    Objects.requireNonNull(name, "name");
    return tx.read("reading system state", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM system_values WHERE name = ?")) {
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
