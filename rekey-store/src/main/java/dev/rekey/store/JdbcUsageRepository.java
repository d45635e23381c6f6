package dev.rekey.store;

import dev.rekey.core.port.UsageRepository;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCount;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Usage counts in table {@code key_version_usage}. {@link #add} is an additive upsert in one
 * transaction, rows in a fixed order so that nodes adding to the same rows on PostgreSQL lock them
 * in the same order (no deadlock).
 */
final class JdbcUsageRepository implements UsageRepository {
  private static final String UPSERT = "INSERT INTO key_version_usage (namespace, key_name, version, operation,"
      + " use_count, last_used) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, key_name, version, operation)"
      + " DO UPDATE SET use_count = key_version_usage.use_count + excluded.use_count,"
      + " last_used = CASE WHEN excluded.last_used IS NULL OR (key_version_usage.last_used IS NOT NULL"
      + " AND key_version_usage.last_used >= excluded.last_used) THEN key_version_usage.last_used"
      + " ELSE excluded.last_used END";
  private static final Comparator<UsageCount> ORDER = Comparator.comparing(UsageCount::namespace)
      .thenComparing(UsageCount::key).thenComparingInt(UsageCount::version)
      .thenComparing(c -> c.operation().wireName());

  private final JdbcTransactions tx;

  JdbcUsageRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void add(List<UsageCount> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    List<UsageCount> ordered = new ArrayList<>(deltas);
    ordered.sort(ORDER);
    tx.write("adding usage counts", c -> {
      try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
        for (UsageCount d : ordered) {
          ps.setString(1, d.namespace());
          ps.setString(2, d.key());
          ps.setInt(3, d.version());
          ps.setString(4, d.operation().wireName());
          ps.setLong(5, d.count());
          Columns.setInstant(ps, 6, d.lastUsedAt());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<UsageCount> forKey(String namespace, String key) {
    List<UsageCount> out = tx.read("reading usage counts", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT version, operation, use_count, last_used"
          + " FROM key_version_usage WHERE namespace = ? AND key_name = ? ORDER BY version")) {
        ps.setString(1, namespace);
        ps.setString(2, key);
        List<UsageCount> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Operation op;
            try {
              op = Operation.fromWire(rs.getString("operation"));
            } catch (IllegalArgumentException newerNode) {
              continue; // written by a newer Rekey that counts more operations
            }
            rows.add(new UsageCount(namespace, key, rs.getInt("version"), op, rs.getLong("use_count"),
                Columns.getInstant(rs, "last_used")));
          }
        }
        return rows;
      }
    });
    out.sort(Comparator.comparingInt(UsageCount::version).thenComparing(UsageCount::operation));
    return out;
  }
}
