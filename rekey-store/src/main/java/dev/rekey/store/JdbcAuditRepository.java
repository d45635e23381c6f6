package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditChainer;
import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import dev.rekey.core.port.AuditRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The audit chain in {@code audit_records}, its head in the single row of {@code audit_head}.
 * {@link #append} is the group commit: one transaction locks the head row (FOR UPDATE on
 * PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already), chains the events,
 * checks that the chainer's records continue the head exactly, inserts them as one JDBC batch,
 * moves the head and commits. Any failure rolls all of it back.
 */
final class JdbcAuditRepository implements AuditRepository {
  private static final String RECORD_COLUMNS = "seq, event_time, request_id, principal, token_id, action,"
      + " namespace, key_name, key_version, outcome, error_code, client_address, details, prev_hash, hash";

  /** 15 parameters a row: 50 rows stay far below every driver's parameter limit. */
  static final int ROWS_PER_STATEMENT = 50;

  private final JdbcTransactions tx;
  private final String lockHead;
  private final Dialect dialect;

  JdbcAuditRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.dialect = dialect;
    this.lockHead = "SELECT seq, hash FROM audit_head WHERE id = 1"
        + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
  }

  @Override
  public List<AuditRecord> append(List<AuditEvent> events, AuditChainer chainer) {
    Objects.requireNonNull(chainer, "chainer");
    List<AuditEvent> batch = List.copyOf(events);
    if (batch.isEmpty()) {
      return List.of();
    }
    for (AuditEvent e : batch) {
      Columns.nanos(e.time());
    }
    return tx.write("appending audit records", c -> {
      ChainHead head = head(c, lockHead);
      List<AuditRecord> records = List.copyOf(chainer.chain(head, batch));
      verifyContinues(head, batch, records);
      if (dialect == Dialect.SQLITE) {
        insertRowByRow(c, records);
      } else {
        insertRecords(c, records);
      }
      AuditRecord last = records.get(records.size() - 1);
      try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
        ps.setLong(1, last.seq());
        ps.setString(2, last.hash());
        ps.executeUpdate();
      }
      return records;
    });
  }

  @Override
  public ChainHead head() {
    return tx.read("reading the audit head", c -> head(c, "SELECT seq, hash FROM audit_head WHERE id = 1"));
  }

  @Override
  public List<AuditRecord> read(long fromSeq, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    return tx.read("reading audit records", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RECORD_COLUMNS
          + " FROM audit_records WHERE seq >= ? ORDER BY seq LIMIT ?")) {
        ps.setLong(1, fromSeq);
        ps.setInt(2, limit);
        List<AuditRecord> out = new ArrayList<>(Math.min(limit, 1024));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(record(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public void insertCheckpoint(AuditCheckpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    long at = Columns.nanos(Objects.requireNonNull(checkpoint.at(), "checkpoint time"));
    tx.write("storing an audit checkpoint", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (seq, hash, at, key_id,"
          + " signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING")) {
        ps.setLong(1, checkpoint.seq());
        ps.setString(2, checkpoint.hash());
        ps.setLong(3, at);
        ps.setString(4, checkpoint.keyId());
        ps.setString(5, checkpoint.signature());
        if (ps.executeUpdate() == 0) {
          throw RekeyException.alreadyExists("an audit checkpoint at seq " + checkpoint.seq() + " already exists");
        }
      }
      return null;
    });
  }

  @Override
  public List<AuditCheckpoint> checkpoints() {
    return tx.read("reading audit checkpoints", c -> {
      List<AuditCheckpoint> out = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq")) {
        while (rs.next()) {
          out.add(new AuditCheckpoint(rs.getLong(1), rs.getString(2), Columns.instant(rs.getLong(3)),
              rs.getString(4), rs.getString(5)));
        }
      }
      return out;
    });
  }

  /** The chainer must return one record per event, continuing the head without gaps or forks. */
  static void verifyContinues(ChainHead head, List<AuditEvent> events, List<AuditRecord> records) {
    if (records.size() != events.size()) {
      throw new IllegalStateException("the audit chainer returned " + records.size() + " records for "
          + events.size() + " events");
    }
    long seq = head.seq();
    String prev = head.hash();
    for (int i = 0; i < records.size(); i++) {
      AuditRecord r = records.get(i);
      seq++;
      if (r.seq() != seq || !prev.equals(r.prevHash()) || r.hash() == null || !events.get(i).equals(r.event())) {
        throw new IllegalStateException("the audit chainer's record " + i + " does not continue the chain at seq "
            + seq);
      }
      prev = r.hash();
    }
  }

  /**
   * Inserts the records as multi-row INSERTs of up to {@link #ROWS_PER_STATEMENT} rows, executed as
   * one JDBC batch: far fewer statement executions than one row per statement on either dialect.
   */
  private static void insertRecords(Connection c, List<AuditRecord> records) throws SQLException {
    int full = records.size() / ROWS_PER_STATEMENT;
    int rest = records.size() % ROWS_PER_STATEMENT;
    if (full > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(ROWS_PER_STATEMENT))) {
        for (int i = 0; i < full; i++) {
          bindRows(ps, records.subList(i * ROWS_PER_STATEMENT, (i + 1) * ROWS_PER_STATEMENT));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (rest > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(rest))) {
        bindRows(ps, records.subList(full * ROWS_PER_STATEMENT, records.size()));
        ps.executeUpdate();
      }
    }
  }

  /**
   * SQLite runs in-process, so there is no round trip to save: one small statement compiled once
   * per batch and stepped per row beats compiling a statement of up to 750 parameters each time.
   */
  private static void insertRowByRow(Connection c, List<AuditRecord> records) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertSql(1))) {
      for (AuditRecord r : records) {
        bindRows(ps, List.of(r));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static String insertSql(int rows) {
    String row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    return "INSERT INTO audit_records (" + RECORD_COLUMNS + ") VALUES " + String.join(", ", Collections.nCopies(rows, row));
  }

  private static void bindRows(PreparedStatement ps, List<AuditRecord> rows) throws SQLException {
    int i = 0;
    for (AuditRecord r : rows) {
      AuditEvent e = r.event();
      ps.setLong(++i, r.seq());
      ps.setLong(++i, Columns.nanos(e.time()));
      Columns.setNullableString(ps, ++i, e.requestId());
      Columns.setNullableString(ps, ++i, e.principal());
      Columns.setNullableString(ps, ++i, e.tokenId());
      ps.setString(++i, e.action());
      Columns.setNullableString(ps, ++i, e.namespace());
      Columns.setNullableString(ps, ++i, e.keyName());
      ps.setInt(++i, e.version());
      ps.setString(++i, e.outcome());
      Columns.setNullableString(ps, ++i, e.errorCode());
      Columns.setNullableString(ps, ++i, e.clientAddress());
      Columns.setNullableString(ps, ++i, e.details());
      ps.setString(++i, r.prevHash());
      ps.setString(++i, r.hash());
    }
  }

  private static ChainHead head(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new IllegalStateException("the audit head row is missing: the schema was not migrated");
      }
      return new ChainHead(rs.getLong(1), rs.getString(2));
    }
  }

  private static AuditRecord record(ResultSet rs) throws SQLException {
    AuditEvent event = new AuditEvent(Columns.instant(rs.getLong("event_time")), rs.getString("request_id"),
        rs.getString("principal"), rs.getString("token_id"), rs.getString("action"), rs.getString("namespace"),
        rs.getString("key_name"), rs.getInt("key_version"), rs.getString("outcome"), rs.getString("error_code"),
        rs.getString("client_address"), rs.getString("details"));
    return new AuditRecord(rs.getLong("seq"), event, rs.getString("prev_hash"), rs.getString("hash"));
  }
}
