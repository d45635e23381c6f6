package dev.rekey.store;

import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.secret.SecretVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SQLite: changes of existing secrets as appended rows of {@code secret_changes}, folded into
 * {@code secrets} and {@code secret_versions} in batches.
 *
 * <p>A put updates a secret's row and two of its versions, pages scattered over the file; on SQLite
 * (one writer, every page a commit dirtied written whole to the WAL and again at checkpoints) that
 * made the single writer the limit of write throughput. Here a change is one row at the end of a
 * small table: its row fields after it (tags, labels, revision) and the versions it wrote or moved,
 * in full. Every {@link #foldEvery} changes, and before any query that selects by version columns,
 * the rows are folded: per secret, the last fields and the final state of each version, written in
 * one pass, then deleted, all in one transaction.
 *
 * <p>The revision check of an update holds against the latest revision, in the log or in the table
 * ({@link #append}). Reads apply the rows not folded yet, read before the tables, and only those
 * with a revision above the row's: a fold between the two reads is one transaction, so the tables
 * show it whole and its rows are skipped; an append between them is simply not seen yet.
 */
final class SecretChangeLog {
  /** Changes appended before the writer folds them (a fold of 2,048 takes tens of ms). */
  static final int FOLD_EVERY = 2048;
  private static final int FORMAT = 1;
  private static final String APPEND = "INSERT INTO secret_changes (secret_id, revision, change)"
      + " SELECT s.id, ?, ? FROM secrets s WHERE s.namespace = ? AND s.name = ?"
      + " AND COALESCE((SELECT MAX(c.revision) FROM secret_changes c WHERE c.secret_id = s.id), s.revision) = ?";

  /** A stored change: the secret's row fields after it, and the versions it wrote or moved. */
  record Change(long revision, String tags, String labels, List<SecretVersion> written, List<SecretVersion> moved) {}

  private final JdbcTransactions tx;
  private final int foldEvery;
  /** Appends since the last fold on this node: when to fold, not what (the table says that). */
  private final AtomicInteger sinceFold = new AtomicInteger();

  SecretChangeLog(JdbcTransactions tx, int foldEvery) {
    if (foldEvery < 1) {
      throw new IllegalArgumentException("foldEvery must be positive");
    }
    this.tx = tx;
    this.foldEvery = foldEvery;
  }

  /**
   * Appends a change of the secret {@code namespace/name} if its latest revision is {@code
   * expected}; false when it is not (stale) or the secret does not exist. One statement: on SQLite
   * it needs no savepoint of its own ({@link JdbcTransactions#writeOne}).
   */
  boolean append(Connection c, String namespace, String name, long expected, Change change) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(APPEND)) {
      ps.setLong(1, change.revision());
      ps.setBytes(2, encode(change));
      ps.setString(3, namespace);
      ps.setString(4, name);
      ps.setLong(5, expected);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Counts an appended change; once {@link #foldEvery} have been, folds the log, in the caller's
   * transaction when there is one (in a savepoint of its own).
   */
  void appended() {
    if (sinceFold.incrementAndGet() >= foldEvery) {
      sinceFold.set(0);
      tx.write("folding secret changes", c -> {
        foldAll(c);
        return null;
      });
    }
  }

  /** The latest revision of a secret whose row holds {@code rowRevision}. */
  static long latestRevision(Connection c, long secretId, long rowRevision) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(revision) FROM secret_changes WHERE secret_id = ?")) {
      ps.setLong(1, secretId);
      try (ResultSet rs = ps.executeQuery()) {
        long max = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() ? rowRevision : Math.max(max, rowRevision);
      }
    }
  }

  /**
   * The changes not folded yet of the secret {@code namespace/name}, in revision order. Read before
   * the tables they apply to (see the class comment).
   */
  static List<Change> pending(Connection c, String namespace, String name) throws SQLException {
    List<Change> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT c.revision, c.change FROM secret_changes c"
        + " JOIN secrets s ON s.id = c.secret_id WHERE s.namespace = ? AND s.name = ? ORDER BY c.revision")) {
      ps.setString(1, namespace);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(decode(rs.getLong(1), rs.getBytes(2)));
        }
      }
    }
    return out;
  }

  /**
   * The changes not folded yet of the secrets of {@code namespace} (of all secrets when null), by
   * secret id, in revision order. Read before the tables they apply to (see the class comment); the
   * log is short, it is folded every {@link #FOLD_EVERY} changes.
   */
  static Map<Long, List<Change>> pendingIn(Connection c, String namespace) throws SQLException {
    Map<Long, List<Change>> out = new TreeMap<>();
    String sql = namespace == null
        ? "SELECT secret_id, revision, change FROM secret_changes ORDER BY secret_id, revision"
        : "SELECT c.secret_id, c.revision, c.change FROM secret_changes c JOIN secrets s ON s.id = c.secret_id"
            + " WHERE s.namespace = ? ORDER BY c.secret_id, c.revision";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (namespace != null) {
        ps.setString(1, namespace);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(decode(rs.getLong(2), rs.getBytes(3)));
        }
      }
    }
    return out;
  }

  /** Folds every change, if there is any, so that queries by version columns see them. */
  void foldAll() {
    boolean any = tx.read("checking for secret changes to fold", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM secret_changes)");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    });
    if (any) {
      tx.write("folding secret changes", c -> {
        foldAll(c);
        return null;
      });
    }
  }

  private void foldAll(Connection c) throws SQLException {
    while (fold(c, 4 * foldEvery) > 0) {
      // a long log (changes of another process, or of a node that stopped) in bounded passes
    }
    sinceFold.set(0);
  }

  /** Folds the oldest {@code limit} changes; returns how many there were. */
  static int fold(Connection c, int limit) throws SQLException {
    TreeMap<Long, Folded> bySecret = new TreeMap<>(); // by id: the versions of secrets in key order
    long lastSeq = 0;
    int count = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT seq, secret_id, revision, change FROM secret_changes ORDER BY seq LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lastSeq = rs.getLong(1);
          count++;
          bySecret.computeIfAbsent(rs.getLong(2), k -> new Folded()).add(decode(rs.getLong(3), rs.getBytes(4)));
        }
      }
    }
    if (count == 0) {
      return 0;
    }
    try (PreparedStatement upsert = c.prepareStatement(JdbcSecretRepository.UPSERT_VERSION);
        PreparedStatement move = c.prepareStatement(JdbcSecretRepository.MOVE_VERSION);
        PreparedStatement row = c.prepareStatement("UPDATE secrets SET tags = ?, labels = ?, revision = ? WHERE id = ?")) {
      boolean upserts = false;
      boolean moves = false;
      for (Map.Entry<Long, Folded> e : bySecret.entrySet()) {
        long id = e.getKey();
        Folded f = e.getValue();
        for (Folded.Version v : f.versions.values()) {
          if (v.written) {
            JdbcSecretRepository.bindUpsert(upsert, id, v.version);
            upsert.addBatch();
            upserts = true;
          } else {
            JdbcSecretRepository.bindMove(move, id, v.version);
            move.addBatch();
            moves = true;
          }
        }
        row.setString(1, f.last.tags());
        row.setString(2, f.last.labels());
        row.setLong(3, f.last.revision());
        row.setLong(4, id);
        row.addBatch();
      }
      if (upserts) {
        upsert.executeBatch();
      }
      if (moves) {
        for (int n : move.executeBatch()) {
          if (n == 0) {
            throw new IllegalStateException("a folded secret change moves a version that is not stored");
          }
        }
      }
      for (int n : row.executeBatch()) {
        if (n == 0) {
          throw new IllegalStateException("a folded secret change belongs to no stored secret");
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM secret_changes WHERE seq <= ?")) {
      ps.setLong(1, lastSeq);
      ps.executeUpdate();
    }
    return count;
  }

  /** The changes of one secret in a fold, merged: its last row fields and each version's final state. */
  private static final class Folded {
    record Version(SecretVersion version, boolean written) {}

    Change last;
    final TreeMap<Integer, Version> versions = new TreeMap<>();

    void add(Change change) {
      last = change;
      for (SecretVersion v : change.written()) {
        versions.put(v.lifecycle().number(), new Version(v, true));
      }
      for (SecretVersion v : change.moved()) {
        // moved after being written in the same fold: still an insert (or full update), of the final state
        versions.merge(v.lifecycle().number(), new Version(v, false), (before, now) -> new Version(now.version,
            before.written));
      }
    }
  }

  static byte[] encode(Change change) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      text(out, change.tags());
      text(out, change.labels());
      versions(out, change.written());
      versions(out, change.moved());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Change decode(long revision, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalStateException("a stored secret change has unknown format " + format);
      }
      return new Change(revision, text(in), text(in), versions(in), versions(in));
    } catch (IOException e) {
      throw new IllegalStateException("a stored secret change is corrupt", e);
    }
  }

  private static void versions(DataOutputStream out, List<SecretVersion> versions) throws IOException {
    out.writeInt(versions.size());
    for (SecretVersion v : versions) {
      KeyVersion l = v.lifecycle();
      out.writeInt(l.number());
      out.writeUTF(l.state().name());
      out.writeBoolean(l.material() != null);
      if (l.material() != null) {
        byte[] ciphertext = l.material().ciphertext();
        out.writeInt(ciphertext.length);
        out.write(ciphertext);
        out.writeUTF(l.material().rootKeyId());
      }
      time(out, l.createdAt());
      time(out, l.stateChangedAt());
      time(out, l.revokedAt());
      time(out, l.destroyAfter());
      time(out, v.expiresAt());
    }
  }

  private static List<SecretVersion> versions(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative count");
    }
    List<SecretVersion> out = new ArrayList<>(Math.min(n, 16));
    for (int i = 0; i < n; i++) {
      int number = in.readInt();
      VersionState state = VersionState.valueOf(in.readUTF());
      WrappedKey material = null;
      if (in.readBoolean()) {
        byte[] ciphertext = new byte[in.readInt()];
        in.readFully(ciphertext);
        material = new WrappedKey(ciphertext, in.readUTF());
      }
      Instant createdAt = time(in);
      Instant stateChangedAt = time(in);
      Instant revokedAt = time(in);
      Instant destroyAfter = time(in);
      Instant expiresAt = time(in);
      out.add(new SecretVersion(new KeyVersion(number, state, material, createdAt, stateChangedAt, revokedAt,
          destroyAfter), expiresAt));
    }
    return out;
  }

  private static void time(DataOutputStream out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(Columns.nanos(t));
    }
  }

  private static Instant time(DataInputStream in) throws IOException {
    return in.readBoolean() ? Columns.instant(in.readLong()) : null;
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String text(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative length");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
