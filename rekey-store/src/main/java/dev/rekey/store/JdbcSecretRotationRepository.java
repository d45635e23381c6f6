package dev.rekey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.RotationStep;
import dev.rekey.core.secret.rotation.SecretRotation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rotation configurations in {@code secret_rotation_configs} and protocol runs in
 * {@code secret_rotations}. A partial unique index keeps one RUNNING rotation per secret; runs are
 * leased with a conditional update (and {@code FOR UPDATE SKIP LOCKED} on PostgreSQL) so that one
 * node runs each, and every state change is conditional on still holding the lease.
 */
final class JdbcSecretRotationRepository implements SecretRotationRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> PARAMS = new TypeReference<>() {};
  private static final String CONFIG_COLUMNS = "namespace, secret, rotator, params, period, before_expiry, next_due_at";
  private static final String RUN_COLUMNS = "id, namespace, secret, rotator, trigger_name, status, step,"
      + " pending_version, failures, next_attempt_at, last_error, started_at, updated_at, finished_at";

  private final JdbcTransactions tx;
  private final Dialect dialect;

  JdbcSecretRotationRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.dialect = dialect;
  }

  @Override
  public void putConfig(RotationConfig c) {
    tx.write("storing a rotation configuration", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO secret_rotation_configs (" + CONFIG_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, secret) DO UPDATE SET rotator = excluded.rotator,"
          + " params = excluded.params, period = excluded.period, before_expiry = excluded.before_expiry,"
          + " next_due_at = excluded.next_due_at")) {
        ps.setString(1, c.namespace());
        ps.setString(2, c.secret());
        ps.setString(3, c.rotator());
        ps.setString(4, write(c.params()));
        setSeconds(ps, 5, c.period());
        setSeconds(ps, 6, c.beforeExpiry());
        Columns.setInstant(ps, 7, c.nextDueAt());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<RotationConfig> config(String namespace, String secret) {
    return tx.read("reading a rotation configuration", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFIG_COLUMNS
          + " FROM secret_rotation_configs WHERE namespace = ? AND secret = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, secret);
        List<RotationConfig> found = readConfigs(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public boolean deleteConfig(String namespace, String secret) {
    return tx.write("deleting a rotation configuration", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM secret_rotation_configs WHERE namespace = ? AND secret = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, secret);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean rescheduleConfig(String namespace, String secret, Instant nextDueAt) {
    return tx.writeOne("rescheduling a rotation configuration", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE secret_rotation_configs SET next_due_at = ? WHERE namespace = ? AND secret = ?")) {
        Columns.setInstant(ps, 1, nextDueAt);
        ps.setString(2, namespace);
        ps.setString(3, secret);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean claimConfig(String namespace, String secret, Instant expectedDueAt, Instant nextDueAt) {
    return tx.writeOne("claiming a due secret rotation", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotation_configs SET next_due_at = ?"
          + " WHERE namespace = ? AND secret = ? AND next_due_at = ?")) {
        Columns.setInstant(ps, 1, nextDueAt);
        ps.setString(2, namespace);
        ps.setString(3, secret);
        ps.setLong(4, Columns.nanos(expectedDueAt));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<RotationConfig> dueConfigs(Instant now, int limit) {
    return tx.read("finding due secret rotations", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFIG_COLUMNS + " FROM secret_rotation_configs"
          + " WHERE next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        return readConfigs(ps);
      }
    });
  }

  @Override
  public void insert(SecretRotation r) {
    tx.write("starting a secret rotation", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO secret_rotations (" + RUN_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        bindRun(ps, r);
        if (ps.executeUpdate() == 0) {
          throw RekeyException.alreadyExists("secret '" + r.secret() + "' already has a running rotation");
        }
      }
      return null;
    });
  }

  @Override
  public Optional<SecretRotation> find(String id) {
    return one("SELECT " + RUN_COLUMNS + " FROM secret_rotations WHERE id = ?", id);
  }

  @Override
  public Optional<SecretRotation> running(String namespace, String secret) {
    return tx.read("reading a running rotation", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS
          + " FROM secret_rotations WHERE namespace = ? AND secret = ? AND status = 'RUNNING'")) {
        ps.setString(1, namespace);
        ps.setString(2, secret);
        List<SecretRotation> found = readRuns(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<SecretRotation> history(String namespace, String secret, int limit) {
    return tx.read("reading rotation history", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM secret_rotations"
          + " WHERE namespace = ? AND secret = ? ORDER BY started_at DESC, id LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, secret);
        ps.setInt(3, limit);
        return readRuns(ps);
      }
    });
  }

  @Override
  public List<SecretRotation> runningOrFailed(int limit) {
    return tx.read("reading unfinished rotations", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM secret_rotations"
          + " WHERE status <> 'SUCCEEDED' ORDER BY updated_at DESC, id LIMIT ?")) {
        ps.setInt(1, limit);
        return readRuns(ps);
      }
    });
  }

  @Override
  public List<SecretRotation> claimDue(Instant now, String owner, Instant leaseUntil, int limit) {
    long at = Columns.nanos(now);
    String free = "status = 'RUNNING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)";
    return tx.write("leasing due secret rotations", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotations SET lease_owner = ?, lease_until = ?"
          + " WHERE id IN (SELECT id FROM secret_rotations WHERE " + free + " ORDER BY next_attempt_at LIMIT ?"
          + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "") + ") AND " + free
          + " RETURNING " + RUN_COLUMNS)) {
        ps.setString(1, owner);
        ps.setLong(2, Columns.nanos(leaseUntil));
        ps.setLong(3, at);
        ps.setLong(4, at);
        ps.setInt(5, limit);
        ps.setLong(6, at);
        ps.setLong(7, at);
        return readRuns(ps);
      }
    });
  }

  @Override
  public boolean renew(String id, String owner, Instant now, Instant leaseUntil) {
    return tx.write("renewing a rotation lease", c -> {
      // held: the claim's test for a free lease (lease_until <= now) turned around; never shortened
      // (a node whose clock was stepped back would otherwise hand its rotation to another mid-step)
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotations"
          + " SET lease_until = CASE WHEN lease_until > ? THEN lease_until ELSE ? END"
          + " WHERE id = ? AND lease_owner = ? AND lease_until > ?")) {
        ps.setLong(1, Columns.nanos(leaseUntil));
        ps.setLong(2, Columns.nanos(leaseUntil));
        ps.setString(3, id);
        ps.setString(4, owner);
        ps.setLong(5, Columns.nanos(now));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean update(SecretRotation r, String owner) {
    return tx.write("storing a rotation step", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotations SET status = ?, step = ?,"
          + " pending_version = ?, failures = ?, next_attempt_at = ?, last_error = ?, updated_at = ?, finished_at = ?"
          + " WHERE id = ? AND lease_owner = ?")) {
        ps.setString(1, r.status().name());
        ps.setString(2, r.step().name());
        setInteger(ps, 3, r.pendingVersion());
        ps.setInt(4, r.failures());
        Columns.setInstant(ps, 5, r.nextAttemptAt());
        Columns.setNullableString(ps, 6, r.lastError());
        Columns.setInstant(ps, 7, r.updatedAt());
        Columns.setInstant(ps, 8, r.finishedAt());
        ps.setString(9, r.id());
        ps.setString(10, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void release(String id, String owner) {
    tx.write("releasing a rotation lease", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotations SET lease_owner = NULL,"
          + " lease_until = NULL WHERE id = ? AND lease_owner = ?")) {
        ps.setString(1, id);
        ps.setString(2, owner);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public int releaseAll(String owner) {
    return tx.write("releasing a node's rotation leases", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_rotations SET lease_owner = NULL,"
          + " lease_until = NULL WHERE lease_owner = ?")) {
        ps.setString(1, owner);
        return ps.executeUpdate();
      }
    });
  }

  private Optional<SecretRotation> one(String sql, String id) {
    return tx.read("reading a secret rotation", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, id);
        List<SecretRotation> found = readRuns(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  private static void bindRun(PreparedStatement ps, SecretRotation r) throws SQLException {
    ps.setString(1, r.id());
    ps.setString(2, r.namespace());
    ps.setString(3, r.secret());
    ps.setString(4, r.rotator());
    ps.setString(5, r.trigger());
    ps.setString(6, r.status().name());
    ps.setString(7, r.step().name());
    setInteger(ps, 8, r.pendingVersion());
    ps.setInt(9, r.failures());
    Columns.setInstant(ps, 10, r.nextAttemptAt());
    Columns.setNullableString(ps, 11, r.lastError());
    Columns.setInstant(ps, 12, r.startedAt());
    Columns.setInstant(ps, 13, r.updatedAt());
    Columns.setInstant(ps, 14, r.finishedAt());
  }

  private static List<SecretRotation> readRuns(PreparedStatement ps) throws SQLException {
    List<SecretRotation> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int pending = rs.getInt("pending_version");
        Integer pendingVersion = rs.wasNull() ? null : pending;
        out.add(new SecretRotation(rs.getString("id"), rs.getString("namespace"), rs.getString("secret"),
            rs.getString("rotator"), rs.getString("trigger_name"), RotationStatus.valueOf(rs.getString("status")),
            RotationStep.valueOf(rs.getString("step")), pendingVersion, rs.getInt("failures"),
            Columns.getInstant(rs, "next_attempt_at"), rs.getString("last_error"), Columns.getInstant(rs, "started_at"),
            Columns.getInstant(rs, "updated_at"), Columns.getInstant(rs, "finished_at")));
      }
    }
    return out;
  }

  private static List<RotationConfig> readConfigs(PreparedStatement ps) throws SQLException {
    List<RotationConfig> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new RotationConfig(rs.getString("namespace"), rs.getString("secret"), rs.getString("rotator"),
            read(rs.getString("params")), seconds(rs, "period"), seconds(rs, "before_expiry"),
            Columns.getInstant(rs, "next_due_at")));
      }
    }
    return out;
  }

  private static void setSeconds(PreparedStatement ps, int i, Duration d) throws SQLException {
    if (d == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, d.getSeconds());
    }
  }

  private static Duration seconds(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofSeconds(v);
  }

  private static void setInteger(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  private static String write(Map<String, String> params) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(params));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode rotation parameters", e);
    }
  }

  private static Map<String, String> read(String json) {
    try {
      return JSON.readValue(json, PARAMS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored rotation parameters are corrupt", e);
    }
  }
}
