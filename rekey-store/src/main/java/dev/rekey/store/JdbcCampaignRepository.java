package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.campaign.CampaignState;
import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.port.CampaignRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-wrap campaigns in table {@code rewrap_campaigns}. Leases are conditional updates (no
 * advisory locks), so the same statements coordinate nodes on PostgreSQL and serve one node on
 * SQLite; {@link #holdForBatch} row-locks the campaign on PostgreSQL until the batch commits.
 */
final class JdbcCampaignRepository implements CampaignRepository {
  private static final String COLUMNS = "id, namespace, kek, from_version, to_version, state, origin, total, done,"
      + " rolled_back, checkpoint, rollback_checkpoint, batch_size, delay_millis, active_nanos, created_at,"
      + " updated_at, finished_at, lease_owner, lease_until, message";
  private static final String RUNNABLE = "state IN ('running', 'cancelling')";
  private static final String FREE = "(lease_owner IS NULL OR lease_until < ? OR lease_owner = ?)";

  private final JdbcTransactions tx;

  JdbcCampaignRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public RewrapCampaign insert(RewrapCampaign c) {
    return tx.write("starting a re-wrap campaign", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO rewrap_campaigns (namespace, kek, from_version,"
          + " to_version, state, origin, total, done, rolled_back, checkpoint, rollback_checkpoint, batch_size,"
          + " delay_millis, active_nanos, created_at, updated_at, finished_at, lease_owner, lease_until, message)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id")) {
        ps.setString(1, c.namespace());
        ps.setString(2, c.kek());
        ps.setInt(3, c.fromVersion());
        ps.setInt(4, c.toVersion());
        ps.setString(5, c.state().wireName());
        ps.setString(6, c.origin());
        ps.setLong(7, c.total());
        ps.setLong(8, c.done());
        ps.setLong(9, c.rolledBack());
        ps.setLong(10, c.checkpoint());
        ps.setLong(11, c.rollbackCheckpoint());
        ps.setInt(12, c.batchSize());
        ps.setLong(13, c.delayMillis());
        ps.setLong(14, c.activeNanos());
        ps.setLong(15, Columns.nanos(c.createdAt()));
        ps.setLong(16, Columns.nanos(c.updatedAt()));
        Columns.setInstant(ps, 17, c.finishedAt());
        Columns.setNullableString(ps, 18, c.leaseOwner());
        Columns.setInstant(ps, 19, c.leaseUntil());
        Columns.setNullableString(ps, 20, c.message());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw RekeyException.alreadyExists("key '" + c.kek() + "' already has a re-wrap campaign in progress");
          }
          long id = rs.getLong(1);
          return new RewrapCampaign(id, c.namespace(), c.kek(), c.fromVersion(), c.toVersion(), c.state(), c.origin(),
              c.total(), c.done(), c.rolledBack(), c.checkpoint(), c.rollbackCheckpoint(), c.batchSize(),
              c.delayMillis(), c.activeNanos(), c.createdAt(), c.updatedAt(), c.finishedAt(), c.leaseOwner(),
              c.leaseUntil(), c.message());
        }
      }
    });
  }

  @Override
  public Optional<RewrapCampaign> find(long id) {
    return tx.read("reading a re-wrap campaign", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rewrap_campaigns WHERE id = ?")) {
        ps.setLong(1, id);
        return readAll(ps).stream().findFirst();
      }
    });
  }

  @Override
  public List<RewrapCampaign> list(String namespace, boolean activeOnly, long afterId, int limit) {
    return tx.read("listing re-wrap campaigns", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rewrap_campaigns WHERE id > ?"
          + (namespace == null ? "" : " AND namespace = ?")
          + (activeOnly ? " AND state IN ('running', 'paused', 'cancelling')" : "") + " ORDER BY id LIMIT ?")) {
        int i = 1;
        ps.setLong(i++, afterId);
        if (namespace != null) {
          ps.setString(i++, namespace);
        }
        ps.setInt(i, limit);
        return readAll(ps);
      }
    });
  }

  @Override
  public Optional<RewrapCampaign> latest(String namespace, String kek) {
    return tx.read("reading a re-wrap campaign", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM rewrap_campaigns WHERE namespace = ? AND kek = ? ORDER BY id DESC LIMIT 1")) {
        ps.setString(1, namespace);
        ps.setString(2, kek);
        return readAll(ps).stream().findFirst();
      }
    });
  }

  @Override
  public boolean update(RewrapCampaign u, CampaignState expected) {
    boolean keepLease = u.state().runnable() && expected.runnable();
    return tx.write("changing a re-wrap campaign", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET state = ?, message = ?,"
          + " updated_at = ?, finished_at = ?, batch_size = ?, delay_millis = ?"
          + (keepLease ? "" : ", lease_owner = NULL, lease_until = NULL") + " WHERE id = ? AND state = ?")) {
        ps.setString(1, u.state().wireName());
        Columns.setNullableString(ps, 2, u.message());
        ps.setLong(3, Columns.nanos(u.updatedAt()));
        Columns.setInstant(ps, 4, u.finishedAt());
        ps.setInt(5, u.batchSize());
        ps.setLong(6, u.delayMillis());
        ps.setLong(7, u.id());
        ps.setString(8, expected.wireName());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Long> runnable(String owner, Instant now, int limit) {
    return tx.read("finding runnable re-wrap campaigns", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rewrap_campaigns WHERE " + RUNNABLE + " AND "
          + FREE + " ORDER BY id LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setString(2, owner);
        ps.setInt(3, limit);
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        return ids;
      }
    });
  }

  @Override
  public boolean claim(long id, String owner, Instant now, Instant leaseUntil) {
    return tx.write("claiming a re-wrap campaign", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET lease_owner = ?, lease_until = ?"
          + " WHERE id = ? AND " + RUNNABLE + " AND " + FREE)) {
        ps.setString(1, owner);
        ps.setLong(2, Columns.nanos(leaseUntil));
        ps.setLong(3, id);
        ps.setLong(4, Columns.nanos(now));
        ps.setString(5, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<RewrapCampaign> holdForBatch(long id, String owner, Instant leaseUntil) {
    boolean held = tx.write("renewing a re-wrap campaign lease", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET lease_until = ?"
          + " WHERE id = ? AND lease_owner = ? AND " + RUNNABLE)) {
        ps.setLong(1, Columns.nanos(leaseUntil));
        ps.setLong(2, id);
        ps.setString(3, owner);
        return ps.executeUpdate() == 1;
      }
    });
    return held ? find(id) : Optional.empty();
  }

  @Override
  public boolean saveProgress(RewrapCampaign u, String owner) {
    boolean keepLease = u.state().runnable();
    return tx.write("recording re-wrap progress", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET state = ?, total = ?, done = ?,"
          + " rolled_back = ?, checkpoint = ?, rollback_checkpoint = ?, active_nanos = ?, updated_at = ?,"
          + " finished_at = ?, message = ?" + (keepLease ? "" : ", lease_owner = NULL, lease_until = NULL")
          + " WHERE id = ? AND lease_owner = ? AND " + RUNNABLE)) {
        ps.setString(1, u.state().wireName());
        ps.setLong(2, u.total());
        ps.setLong(3, u.done());
        ps.setLong(4, u.rolledBack());
        ps.setLong(5, u.checkpoint());
        ps.setLong(6, u.rollbackCheckpoint());
        ps.setLong(7, u.activeNanos());
        ps.setLong(8, Columns.nanos(u.updatedAt()));
        Columns.setInstant(ps, 9, u.finishedAt());
        Columns.setNullableString(ps, 10, u.message());
        ps.setLong(11, u.id());
        ps.setString(12, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void release(long id, String owner) {
    tx.write("releasing a re-wrap campaign lease", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET lease_owner = NULL,"
          + " lease_until = NULL WHERE id = ? AND lease_owner = ?")) {
        ps.setLong(1, id);
        ps.setString(2, owner);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public int releaseAllLeases() {
    return tx.write("releasing re-wrap campaign leases", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rewrap_campaigns SET lease_owner = NULL,"
          + " lease_until = NULL WHERE lease_owner IS NOT NULL")) {
        return ps.executeUpdate();
      }
    });
  }

  private static List<RewrapCampaign> readAll(PreparedStatement ps) throws SQLException {
    List<RewrapCampaign> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new RewrapCampaign(rs.getLong("id"), rs.getString("namespace"), rs.getString("kek"),
            rs.getInt("from_version"), rs.getInt("to_version"), CampaignState.fromWire(rs.getString("state")),
            rs.getString("origin"), rs.getLong("total"), rs.getLong("done"), rs.getLong("rolled_back"),
            rs.getLong("checkpoint"), rs.getLong("rollback_checkpoint"), rs.getInt("batch_size"),
            rs.getLong("delay_millis"), rs.getLong("active_nanos"), Columns.getInstant(rs, "created_at"),
            Columns.getInstant(rs, "updated_at"), Columns.getInstant(rs, "finished_at"), rs.getString("lease_owner"),
            Columns.getInstant(rs, "lease_until"), rs.getString("message")));
      }
    }
    return out;
  }
}
