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
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The audit chain: one row of {@code audit_blocks} per group commit ({@link AuditBlock}), after
 * the one-row-per-record {@code audit_records} of databases created before V16; its head in the
 * single row of {@code audit_head}. {@link #append} is the group commit: one transaction locks the
 * head row (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock
 * already), chains the events, checks that the chainer's records continue the head exactly,
 * inserts them as one block, moves the head and commits. Any failure rolls all of it back.
 */
final class JdbcAuditRepository implements AuditRepository {
  private static final String RECORD_COLUMNS = "seq, event_time, request_id, principal, token_id, action,"
      + " namespace, key_name, key_version, outcome, error_code, client_address, details, prev_hash, hash";
  private static final String CHECKPOINT_COLUMNS = "seq, hash, at, key_id, signature";

  /** Blocks fetched per query while reading (a block holds one group commit, often dozens of records). */
  static final int BLOCKS_PER_QUERY = 8;

  private final JdbcTransactions tx;
  private final String lockHead;
  private final boolean sharedWriters;

  JdbcAuditRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.sharedWriters = dialect == Dialect.POSTGRESQL;
    this.lockHead = "SELECT seq, hash FROM audit_head WHERE id = 1"
        + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
  }

  @Override
  public void holdAppendLock() {
    if (sharedWriters) {
      tx.read("locking the audit chain head", c -> head(c, lockHead));
    }
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
      AuditChainer.Encoded chained = chainer.chainEncoded(head, batch);
      List<AuditRecord> records = List.copyOf(chained.records());
      verifyContinues(head, batch, records);
      AuditRecord last = records.get(records.size() - 1);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO audit_blocks (first_seq, last_seq, records) VALUES (?, ?, ?)")) {
        ps.setLong(1, records.get(0).seq());
        ps.setLong(2, last.seq());
        ps.setBytes(3, AuditBlock.encode(records, chained.canonical(), chained.rawHashes()));
        ps.executeUpdate();
      }
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
      List<AuditRecord> out = new ArrayList<>(Math.min(limit, 1024));
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RECORD_COLUMNS
          + " FROM audit_records WHERE seq >= ? ORDER BY seq LIMIT ?")) {
        ps.setLong(1, fromSeq);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(record(rs));
          }
        }
      }
      readBlocks(c, fromSeq, limit, out);
      return out;
    });
  }

  /**
   * Appends records with {@code seq >= fromSeq} from {@code audit_blocks} until {@code out} holds
   * {@code limit}: from the block holding {@code fromSeq} on, a few blocks per query. Rows of
   * {@code audit_records} (written before V16) all precede the blocks.
   */
  private static void readBlocks(Connection c, long fromSeq, int limit, List<AuditRecord> out) throws SQLException {
    long after = -1;
    try (PreparedStatement first = c.prepareStatement(
        "SELECT COALESCE(MAX(first_seq), 0) FROM audit_blocks WHERE first_seq <= ?")) {
      first.setLong(1, fromSeq);
      try (ResultSet rs = first.executeQuery()) {
        if (rs.next()) {
          after = rs.getLong(1) - 1;
        }
      }
    }
    while (out.size() < limit) {
      int found = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT first_seq, records FROM audit_blocks WHERE first_seq > ? ORDER BY first_seq LIMIT ?")) {
        ps.setLong(1, after);
        ps.setInt(2, BLOCKS_PER_QUERY);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < limit) {
            found++;
            after = rs.getLong(1);
            for (AuditRecord r : AuditBlock.decode(after, rs.getBytes(2))) {
              if (r.seq() >= fromSeq && out.size() < limit) {
                out.add(r);
              }
            }
          }
        }
      }
      if (found < BLOCKS_PER_QUERY) {
        return;
      }
    }
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
          ResultSet rs = st.executeQuery("SELECT " + CHECKPOINT_COLUMNS + " FROM audit_checkpoints ORDER BY seq")) {
        while (rs.next()) {
          out.add(checkpoint(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Optional<AuditCheckpoint> checkpoint(long seq) {
    return tx.read("reading an audit checkpoint", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS
          + " FROM audit_checkpoints WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(checkpoint(rs)) : Optional.<AuditCheckpoint>empty();
        }
      }
    });
  }

  private static AuditCheckpoint checkpoint(ResultSet rs) throws SQLException {
    return new AuditCheckpoint(rs.getLong(1), rs.getString(2), Columns.instant(rs.getLong(3)), rs.getString(4),
        rs.getString(5));
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

  private static ChainHead head(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
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
