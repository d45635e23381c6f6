package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.KeyRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keys in table {@code keys}, versions in {@code key_versions}. A key is written whole in one
 * transaction: {@link #update} moves the key row only when its revision is still the expected one
 * and then upserts every version, so a stale writer writes nothing. Reads are one statement (a join),
 * hence a consistent snapshot of the key and its versions even outside a transaction.
 */
final class JdbcKeyRepository implements KeyRepository {
  private static final String SELECT = "SELECT k.id, k.namespace, k.name, k.type, k.min_decryption_version,"
      + " k.min_encryption_version, k.tags, k.exportable, k.created_at, k.revision, v.number, v.state, v.material,"
      + " v.root_key_id, v.created_at AS v_created_at, v.state_changed_at, v.revoked_at, v.destroy_after"
      + " FROM keys k JOIN key_versions v ON v.key_id = k.id ";
  private static final String UPSERT_VERSION = "INSERT INTO key_versions (key_id, " + VersionColumns.NAMES
      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_id, number) DO UPDATE SET "
      + VersionColumns.UPDATE_FROM_EXCLUDED;

  private final JdbcTransactions tx;
  private final boolean locks;

  JdbcKeyRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.locks = dialect == Dialect.POSTGRESQL;
  }

  @Override
  public void insert(Key key) {
    Objects.requireNonNull(key, "key");
    String tags = Columns.tags(key.tags());
    long createdAt = Columns.nanos(key.createdAt());
    checkTimes(key);
    tx.write("inserting a key", c -> {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO keys (namespace, name, type,"
          + " min_decryption_version, min_encryption_version, tags, exportable, created_at, revision)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, name) DO NOTHING RETURNING id")) {
        ps.setString(1, key.namespace());
        ps.setString(2, key.name());
        ps.setString(3, key.type().wireName());
        ps.setInt(4, key.minDecryptionVersion());
        ps.setInt(5, key.minEncryptionVersion());
        ps.setString(6, tags);
        ps.setInt(7, key.exportable() ? 1 : 0);
        ps.setLong(8, createdAt);
        ps.setLong(9, key.revision());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw RekeyException.alreadyExists("key '" + key.name() + "' already exists in namespace '"
                + key.namespace() + "'");
          }
          id = rs.getLong(1);
        }
      }
      upsertVersions(c, id, key.versions());
      return null;
    });
  }

  @Override
  public Optional<Key> find(String namespace, String name) {
    return tx.read("reading a key", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT
          + "WHERE k.namespace = ? AND k.name = ? ORDER BY v.number")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        List<Key> keys = readKeys(ps);
        return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(0));
      }
    });
  }

  /**
   * PostgreSQL: {@code FOR SHARE} on the key row, in a statement of its own: a locking read joined
   * with {@code key_versions} would, after waiting for a writer, return the new key row with the
   * versions as they were before the wait. SQLite: nothing (the transaction holds the only write lock).
   */
  @Override
  public void holdShared(String namespace, String name) {
    if (!locks || !tx.active()) {
      return;
    }
    tx.read("holding a key", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT revision FROM keys WHERE namespace = ? AND name = ? FOR SHARE")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public List<Key> list(String namespace, String afterName, int limit) {
    checkLimit(limit);
    if (limit == 0) {
      return List.of();
    }
    String page = afterName == null
        ? "SELECT id FROM keys WHERE namespace = ? ORDER BY name LIMIT ?"
        : "SELECT id FROM keys WHERE namespace = ? AND name > ? ORDER BY name LIMIT ?";
    return tx.read("listing keys", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE k.id IN (" + page + ")"
          + " ORDER BY k.name, v.number")) {
        int i = 1;
        ps.setString(i++, namespace);
        if (afterName != null) {
          ps.setString(i++, afterName);
        }
        ps.setInt(i, limit);
        return readKeys(ps);
      }
    });
  }

  @Override
  public void update(Key updated, long expectedRevision) {
    Objects.requireNonNull(updated, "updated");
    if (updated.revision() <= expectedRevision) {
      throw RekeyException.invalid("the updated key must have a revision above " + expectedRevision
          + ", got " + updated.revision());
    }
    String tags = Columns.tags(updated.tags());
    checkTimes(updated);
    tx.write("updating a key", c -> {
      Long id = null;
      try (PreparedStatement ps = c.prepareStatement("UPDATE keys SET min_decryption_version = ?,"
          + " min_encryption_version = ?, tags = ?, exportable = ?, revision = ?"
          + " WHERE namespace = ? AND name = ? AND revision = ? RETURNING id")) {
        ps.setInt(1, updated.minDecryptionVersion());
        ps.setInt(2, updated.minEncryptionVersion());
        ps.setString(3, tags);
        ps.setInt(4, updated.exportable() ? 1 : 0);
        ps.setLong(5, updated.revision());
        ps.setString(6, updated.namespace());
        ps.setString(7, updated.name());
        ps.setLong(8, expectedRevision);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            id = rs.getLong(1);
          }
        }
      }
      if (id == null) {
        throw staleOrMissing(c, updated, expectedRevision);
      }
      int stored = countVersions(c, id);
      if (stored > updated.versions().size()) {
        throw RekeyException.illegalState("key '" + updated.name() + "' has " + stored
            + " versions; versions are never removed");
      }
      upsertVersions(c, id, updated.versions());
      return null;
    });
  }

  @Override
  public List<Key> findWrappedByOtherRoot(String rootKeyId, int limit) {
    Objects.requireNonNull(rootKeyId, "rootKeyId");
    checkLimit(limit);
    if (limit == 0) {
      return List.of();
    }
    return tx.read("finding keys wrapped by another root key", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE k.id IN (SELECT DISTINCT key_id"
          + " FROM key_versions WHERE material IS NOT NULL AND root_key_id <> ? ORDER BY key_id LIMIT ?)"
          + " ORDER BY k.id, v.number")) {
        ps.setString(1, rootKeyId);
        ps.setInt(2, limit);
        return readKeys(ps);
      }
    });
  }

  private static RekeyException staleOrMissing(Connection c, Key key, long expected) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM keys WHERE namespace = ? AND name = ?")) {
      ps.setString(1, key.namespace());
      ps.setString(2, key.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return RekeyException.notFound("key '" + key.name() + "' does not exist in namespace '"
              + key.namespace() + "'");
        }
        return RekeyException.concurrentModification("key '" + key.name() + "' was changed concurrently"
            + " (revision " + rs.getLong(1) + ", expected " + expected + "); reload it and retry");
      }
    }
  }

  private static int countVersions(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM key_versions WHERE key_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void upsertVersions(Connection c, long id, List<KeyVersion> versions) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT_VERSION)) {
      for (KeyVersion v : versions) {
        ps.setLong(1, id);
        VersionColumns.bind(ps, 2, v);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Rows ordered by key, then version number: one Key per run of equal ids. */
  private static List<Key> readKeys(PreparedStatement ps) throws SQLException {
    List<Key> keys = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      long currentId = Long.MIN_VALUE;
      KeyRow row = null;
      while (rs.next()) {
        long id = rs.getLong("id");
        if (row == null || id != currentId) {
          if (row != null) {
            keys.add(row.toKey());
          }
          currentId = id;
          row = new KeyRow(rs);
        }
        row.versions.add(VersionColumns.read(rs));
      }
      if (row != null) {
        keys.add(row.toKey());
      }
    }
    return keys;
  }


  private static final class KeyRow {
    final String namespace;
    final String name;
    final KeyType type;
    final int minDecryption;
    final int minEncryption;
    final String tags;
    final boolean exportable;
    final long createdAt;
    final long revision;
    final List<KeyVersion> versions = new ArrayList<>();

    KeyRow(ResultSet rs) throws SQLException {
      namespace = rs.getString("namespace");
      name = rs.getString("name");
      type = KeyType.fromWire(rs.getString("type"));
      minDecryption = rs.getInt("min_decryption_version");
      minEncryption = rs.getInt("min_encryption_version");
      tags = rs.getString("tags");
      exportable = rs.getInt("exportable") != 0;
      createdAt = rs.getLong("created_at");
      revision = rs.getLong("revision");
    }

    Key toKey() {
      return new Key(namespace, name, type, versions, minDecryption, minEncryption, Columns.tags(tags),
          exportable, Columns.instant(createdAt), revision);
    }
  }

  private static void checkTimes(Key key) {
    key.versions().forEach(VersionColumns::checkTimes);
  }


  static void checkLimit(int limit) {
    if (limit < 0) {
      throw RekeyException.invalid("limit must not be negative, got " + limit);
    }
  }
}
