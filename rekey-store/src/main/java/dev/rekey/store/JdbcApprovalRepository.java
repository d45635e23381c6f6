package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalState;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.port.ApprovalRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Approval requests in table {@code approvals} (approvers as a JSON array, states and operations by
 * wire name; at most one PENDING row per namespace, requester and fingerprint) and policies in
 * {@code approval_policies} (operations comma-separated).
 */
final class JdbcApprovalRepository implements ApprovalRepository {
  private static final String COLUMNS = "id, namespace, operation, target, requester, fingerprint,"
      + " required_approvals, approvers, state, created_at, expires_at, updated_at, decided_by, revision, summary,"
      + " requester_token";
  /** Inserts tried while the pending request met keeps leaving PENDING before it can be read. */
  private static final int INSERT_ATTEMPTS = 3;

  private final JdbcTransactions tx;

  JdbcApprovalRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  /**
   * {@code ON CONFLICT DO NOTHING} meets both the primary key and the partial unique index
   * {@code approvals_one_pending} (one PENDING row per namespace, requester and fingerprint). When
   * nothing was inserted, the id is taken or a pending request is stored for the same request. On
   * PostgreSQL an insert that meets another transaction's uncommitted row waits for it to end, so
   * the next statement (read committed) sees the row that won; had that one left PENDING meanwhile
   * (approved, cancelled), the insert is tried again.
   */
  @Override
  public Approval insertPending(Approval a) {
    if (a.state() != ApprovalState.PENDING) {
      throw new IllegalArgumentException("approval " + a.id() + " is " + a.state().wireName() + ", not pending");
    }
    return tx.write("storing an approval request", c -> {
      for (int attempt = 1; attempt <= INSERT_ATTEMPTS; attempt++) {
        if (insertRow(c, a)) {
          return a;
        }
        if (byId(c, a.id()).isPresent()) {
          throw RekeyException.alreadyExists("an approval with id '" + a.id() + "' already exists");
        }
        Optional<Approval> pending = byRequest(c, a.namespace(), a.requester(), a.fingerprint(),
            ApprovalState.PENDING);
        if (pending.isPresent()) {
          return pending.get();
        }
      }
      throw RekeyException.concurrentModification("the pending approval request for this request keeps changing;"
          + " send the request again");
    });
  }

  /** Package-private: the migration test writes rows as an older Rekey could have written them. */
  static boolean insertRow(Connection c, Approval a) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO approvals (" + COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, a.id());
      ps.setString(2, a.namespace());
      ps.setString(3, a.operation().wireName());
      ps.setString(4, a.target());
      ps.setString(5, a.requester());
      ps.setString(6, a.fingerprint());
      ps.setInt(7, a.requiredApprovals());
      ps.setString(8, Columns.names(a.approvers()));
      ps.setString(9, a.state().wireName());
      ps.setLong(10, Columns.nanos(a.createdAt()));
      ps.setLong(11, Columns.nanos(a.expiresAt()));
      ps.setLong(12, Columns.nanos(a.updatedAt()));
      Columns.setNullableString(ps, 13, a.decidedBy());
      ps.setLong(14, a.revision());
      ps.setString(15, a.summary());
      Columns.setNullableString(ps, 16, a.requesterToken());
      return ps.executeUpdate() == 1;
    }
  }

  @Override
  public Optional<Approval> find(String id) {
    return tx.read("reading an approval request", c -> byId(c, id));
  }

  private static Optional<Approval> byId(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE id = ?")) {
      ps.setString(1, id);
      return readAll(ps).stream().findFirst();
    }
  }

  @Override
  public boolean update(Approval a) {
    return tx.write("updating an approval request", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET approvers = ?, state = ?, updated_at = ?,"
          + " decided_by = ?, revision = ? WHERE id = ? AND revision = ?")) {
        ps.setString(1, Columns.names(a.approvers()));
        ps.setString(2, a.state().wireName());
        ps.setLong(3, Columns.nanos(a.updatedAt()));
        Columns.setNullableString(ps, 4, a.decidedBy());
        ps.setLong(5, a.revision());
        ps.setString(6, a.id());
        ps.setLong(7, a.revision() - 1);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<Approval> findByRequest(String namespace, String requester, String fingerprint, ApprovalState state) {
    return tx.read("finding an approval request", c -> byRequest(c, namespace, requester, fingerprint, state));
  }

  private static Optional<Approval> byRequest(Connection c, String namespace, String requester, String fingerprint,
      ApprovalState state) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE requester = ?"
        + " AND fingerprint = ? AND namespace = ? AND state = ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, requester);
      ps.setString(2, fingerprint);
      ps.setString(3, namespace);
      ps.setString(4, state.wireName());
      return readAll(ps).stream().findFirst();
    }
  }

  @Override
  public List<Approval> list(String namespace, ApprovalState state, String beforeId, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM approvals WHERE id < ?");
    if (namespace != null) {
      sql.append(" AND namespace = ?");
    }
    if (state != null) {
      sql.append(" AND state = ?");
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    return tx.read("listing approval requests", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        ps.setString(i++, beforeId == null ? "\uffff" : beforeId);
        if (namespace != null) {
          ps.setString(i++, namespace);
        }
        if (state != null) {
          ps.setString(i++, state.wireName());
        }
        ps.setInt(i, limit);
        return readAll(ps);
      }
    });
  }

  @Override
  public Optional<ApprovalPolicy> policy(String namespace) {
    return tx.read("reading an approval policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace, operations, required_approvals, ttl_seconds,"
          + " updated_at, updated_by FROM approval_policies WHERE namespace = ?")) {
        ps.setString(1, namespace);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          EnumSet<GuardedOperation> ops = EnumSet.noneOf(GuardedOperation.class);
          for (String op : rs.getString("operations").split(",")) {
            ops.add(GuardedOperation.fromWire(op));
          }
          return Optional.of(new ApprovalPolicy(rs.getString("namespace"), ops, rs.getInt("required_approvals"),
              Duration.ofSeconds(rs.getLong("ttl_seconds")), Columns.instant(rs.getLong("updated_at")),
              rs.getString("updated_by")));
        }
      }
    });
  }

  @Override
  public void putPolicy(ApprovalPolicy p) {
    tx.write("storing an approval policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO approval_policies (namespace, operations,"
          + " required_approvals, ttl_seconds, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace) DO UPDATE SET operations = excluded.operations,"
          + " required_approvals = excluded.required_approvals, ttl_seconds = excluded.ttl_seconds,"
          + " updated_at = excluded.updated_at, updated_by = excluded.updated_by")) {
        ps.setString(1, p.namespace());
        ps.setString(2, p.operations().stream().sorted().map(GuardedOperation::wireName)
            .collect(Collectors.joining(",")));
        ps.setInt(3, p.requiredApprovals());
        ps.setLong(4, p.ttl().toSeconds());
        ps.setLong(5, Columns.nanos(p.updatedAt()));
        Columns.setNullableString(ps, 6, p.updatedBy());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean deletePolicy(String namespace) {
    return tx.write("removing an approval policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM approval_policies WHERE namespace = ?")) {
        ps.setString(1, namespace);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static List<Approval> readAll(PreparedStatement ps) throws SQLException {
    List<Approval> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ApprovalState state = ApprovalState.fromWire(rs.getString("state"));
        if (state == null) {
          throw new IllegalStateException("a stored approval has an unknown state");
        }
        String summary = rs.getString("summary");
        out.add(new Approval(rs.getString("id"), rs.getString("namespace"),
            GuardedOperation.fromWire(rs.getString("operation")), rs.getString("target"), summary == null ? "" : summary,
            rs.getString("requester"), rs.getString("requester_token"), rs.getString("fingerprint"), rs.getInt("required_approvals"), Columns.names(rs.getString("approvers")),
            state, Columns.instant(rs.getLong("created_at")), Columns.instant(rs.getLong("expires_at")),
            Columns.instant(rs.getLong("updated_at")), rs.getString("decided_by"), rs.getLong("revision")));
      }
    }
    return out;
  }
}
