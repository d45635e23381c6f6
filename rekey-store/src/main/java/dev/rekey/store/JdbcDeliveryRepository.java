package dev.rekey.store;

import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.webhook.Delivery;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.core.webhook.DeliveryStats;
import dev.rekey.core.webhook.DeliveryStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deliveries in table {@code webhook_deliveries}. Claiming is one {@code UPDATE ... RETURNING}
 * over the due rows; on PostgreSQL the inner select takes them {@code FOR UPDATE SKIP LOCKED}, so
 * concurrent nodes claim disjoint rows without waiting; SQLite has a single writer anyway.
 */
final class JdbcDeliveryRepository implements DeliveryRepository {
  private static final String COLUMNS = "id, webhook_id, event_seq, event_id, event_type, status, attempts,"
      + " next_attempt_at, last_status, last_error, created_at, updated_at, delivered_at";

  private final JdbcTransactions tx;
  private final Dialect dialect;

  JdbcDeliveryRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.dialect = dialect;
  }

  @Override
  public void insert(List<NewDelivery> deliveries, Instant now) {
    if (deliveries.isEmpty()) {
      return;
    }
    long at = Columns.nanos(now);
    tx.write("creating webhook deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_deliveries (id, webhook_id, event_seq,"
          + " event_id, event_type, status, attempts, next_attempt_at, pending_since, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (NewDelivery d : deliveries) {
          ps.setString(1, d.id());
          ps.setString(2, d.webhookId());
          ps.setLong(3, d.eventSeq());
          ps.setString(4, d.eventId());
          ps.setString(5, d.eventType());
          ps.setLong(6, at);
          ps.setLong(7, at);
          ps.setLong(8, at);
          ps.setLong(9, at);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<Delivery> claim(String owner, Instant now, Instant leaseUntil, int limit) {
    if (!anyDue(now)) {
      return List.of(); // the common idle case costs a read, not a write transaction
    }
    String lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    return tx.write("claiming webhook deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?"
          + " WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
          + " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at LIMIT ?" + lock + ")"
          + " RETURNING " + COLUMNS)) {
        ps.setString(1, owner);
        ps.setLong(2, Columns.nanos(leaseUntil));
        ps.setLong(3, Columns.nanos(now));
        ps.setLong(4, Columns.nanos(now));
        ps.setInt(5, limit);
        return readAll(ps);
      }
    });
  }

  private boolean anyDue(Instant now) {
    return tx.read("looking for due webhook deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook_deliveries WHERE status = 'pending'"
          + " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setLong(2, Columns.nanos(now));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public boolean record(String deliveryId, String owner, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now) {
    DeliveryStatus status = outcome.success() ? DeliveryStatus.DELIVERED
        : nextAttemptAt == null ? DeliveryStatus.DEAD : DeliveryStatus.PENDING;
    return tx.write("recording a webhook delivery attempt", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET status = ?,"
          + " attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at), lease_owner = NULL,"
          + " lease_until = NULL, last_status = ?, last_error = ?, updated_at = ?, delivered_at = ?"
          + " WHERE id = ? AND lease_owner = ? AND status = 'pending'")) {
        ps.setString(1, status.wireName());
        Columns.setInstant(ps, 2, nextAttemptAt);
        if (outcome.status() == null) {
          ps.setNull(3, Types.INTEGER);
        } else {
          ps.setInt(3, outcome.status());
        }
        Columns.setNullableString(ps, 4, outcome.error());
        ps.setLong(5, Columns.nanos(now));
        Columns.setInstant(ps, 6, outcome.success() ? now : null);
        ps.setString(7, deliveryId);
        ps.setString(8, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<Delivery> find(String deliveryId) {
    return tx.read("reading a webhook delivery", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook_deliveries WHERE id = ?")) {
        ps.setString(1, deliveryId);
        List<Delivery> found = readAll(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<Delivery> list(String webhookId, String beforeId, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    return tx.read("listing webhook deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook_deliveries"
          + " WHERE webhook_id = ?" + (beforeId == null ? "" : " AND id < ?") + " ORDER BY id DESC LIMIT ?")) {
        int i = 1;
        ps.setString(i++, webhookId);
        if (beforeId != null) {
          ps.setString(i++, beforeId);
        }
        ps.setInt(i, limit);
        return readAll(ps);
      }
    });
  }

  @Override
  public boolean redeliver(String deliveryId, Instant now) {
    long at = Columns.nanos(now);
    return tx.write("scheduling a webhook redelivery", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET status = 'pending', attempts = 0,"
          + " next_attempt_at = ?, pending_since = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?"
          + " WHERE id = ? AND status IN ('delivered', 'dead')")) {
        ps.setLong(1, at);
        ps.setLong(2, at);
        ps.setLong(3, at);
        ps.setString(4, deliveryId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public DeliveryStats stats(Instant now) {
    return tx.read("counting webhook deliveries", c -> {
      long pending = 0;
      long delivered = 0;
      long dead = 0;
      Duration oldest = Duration.ZERO;
      try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) AS n, MIN(pending_since) AS oldest"
          + " FROM webhook_deliveries GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long n = rs.getLong("n");
          switch (DeliveryStatus.fromWire(rs.getString("status"))) {
            case PENDING -> {
              pending = n;
              Duration age = Duration.between(Columns.instant(rs.getLong("oldest")), now);
              oldest = age.isNegative() ? Duration.ZERO : age;
            }
            case DELIVERED -> delivered = n;
            case DEAD -> dead = n;
          }
        }
      }
      return new DeliveryStats(pending, delivered, dead, oldest);
    });
  }

  private static List<Delivery> readAll(PreparedStatement ps) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int lastStatus = rs.getInt("last_status");
        Integer last = rs.wasNull() ? null : lastStatus;
        out.add(new Delivery(rs.getString("id"), rs.getString("webhook_id"), rs.getLong("event_seq"),
            rs.getString("event_id"), rs.getString("event_type"), DeliveryStatus.fromWire(rs.getString("status")),
            rs.getInt("attempts"), Columns.getInstant(rs, "next_attempt_at"), last, rs.getString("last_error"),
            Columns.getInstant(rs, "created_at"), Columns.getInstant(rs, "updated_at"),
            Columns.getInstant(rs, "delivered_at")));
      }
    }
    return out;
  }
}
