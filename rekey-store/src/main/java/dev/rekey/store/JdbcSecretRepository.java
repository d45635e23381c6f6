package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretExpiry;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.secret.SecretVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Secrets in {@code secrets} and {@code secret_versions}, written under a revision check like keys
 * (see {@link JdbcKeyRepository}); the revision lives in {@code secret_revisions} (V24), so a change
 * that keeps the tags and custom labels (a put) leaves the secret's row alone. Guardrails in
 * {@code secret_guardrails}.
 */
final class JdbcSecretRepository implements SecretRepository {
  private static final String SELECT = "SELECT s.id, s.namespace, s.name, s.tags, s.labels, s.created_at,"
      + " r.revision, v.number, v.state, v.material, v.root_key_id, v.created_at AS v_created_at,"
      + " v.state_changed_at, v.revoked_at, v.destroy_after, v.expires_at"
      + " FROM secrets s JOIN secret_revisions r ON r.secret_id = s.id JOIN secret_versions v ON v.secret_id = s.id ";
  /** A new version gets its first expiry notice; an existing one keeps its notice schedule. */
  private static final String UPSERT_VERSION = "INSERT INTO secret_versions (secret_id, " + VersionColumns.NAMES
      + ", expires_at, next_notice_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (secret_id, number)"
      + " DO UPDATE SET " + VersionColumns.UPDATE_FROM_EXCLUDED + ", expires_at = excluded.expires_at";

  /** The lifecycle columns only: no indexed column is assigned, so no index entry moves. */
  private static final String MOVE_VERSION = "UPDATE secret_versions SET state = ?, state_changed_at = ?,"
      + " revoked_at = ?, destroy_after = ? WHERE secret_id = ? AND number = ?";

  private final JdbcTransactions tx;

  JdbcSecretRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Secret secret) {
    Objects.requireNonNull(secret, "secret");
    checkTimes(secret);
    String tags = Columns.tags(secret.tags());
    String labels = SecretRows.labels(secret.labels());
    tx.write("inserting a secret", c -> {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets (namespace, name, tags, labels,"
          + " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace, name) DO NOTHING RETURNING id")) {
        ps.setString(1, secret.namespace());
        ps.setString(2, secret.name());
        ps.setString(3, tags);
        ps.setString(4, labels);
        ps.setLong(5, Columns.nanos(secret.createdAt()));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw RekeyException.alreadyExists("secret '" + secret.name() + "' already exists in namespace '"
                + secret.namespace() + "'");
          }
          id = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO secret_revisions (secret_id, revision) VALUES (?, ?)")) {
        ps.setLong(1, id);
        ps.setLong(2, secret.revision());
        ps.executeUpdate();
      }
      upsertVersions(c, id, secret.versions());
      return null;
    });
  }

  @Override
  public Optional<Secret> find(String namespace, String name) {
    return tx.read("reading a secret", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE s.namespace = ? AND s.name = ? ORDER BY v.number")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        List<Secret> found = SecretRows.read(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<Secret> list(String namespace, String afterName, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    if (limit == 0) {
      return List.of();
    }
    String page = afterName == null
        ? "SELECT id FROM secrets WHERE namespace = ? ORDER BY name LIMIT ?"
        : "SELECT id FROM secrets WHERE namespace = ? AND name > ? ORDER BY name LIMIT ?";
    return tx.read("listing secrets", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE s.id IN (" + page + ") ORDER BY s.name, v.number")) {
        int i = 1;
        ps.setString(i++, namespace);
        if (afterName != null) {
          ps.setString(i++, afterName);
        }
        ps.setInt(i, limit);
        return SecretRows.read(ps);
      }
    });
  }

  @Override
  public void update(Secret updated, long expectedRevision) {
    write(updated, expectedRevision, updated.versions(), List.of(), true);
  }

  /** Writes the row and only the versions that are new or changed since {@code current}. */
  @Override
  public void update(Secret current, Secret updated) {
    // versions are numbered from 1 in list order; a change keeps the unchanged ones as they are,
    // so most of a long history is skipped by identity
    List<SecretVersion> before = current.versions();
    List<SecretVersion> changed = new ArrayList<>(4);
    List<SecretVersion> moved = new ArrayList<>(4);
    for (SecretVersion v : updated.versions()) {
      SecretVersion old = v.number() <= before.size() ? before.get(v.number() - 1) : null;
      if (old != v && (old == null || !old.equals(v))) {
        (old != null && onlyStateChanged(old, v) ? moved : changed).add(v);
      }
    }
    boolean rowChanged = !current.tags().equals(updated.tags()) || !current.labels().equals(updated.labels());
    write(updated, current.revision(), changed, moved, rowChanged);
  }

  /**
   * True when a version kept its material, creation time and expiry: its indexed columns stay, so
   * the row is updated in place ({@link #MOVE_VERSION}) instead of through the upsert, which
   * assigns every column and so rewrites the version's entries in the root-key and expiry indexes
   * (a scattered index page per old version of a put, a quarter of a put's page writes).
   */
  private static boolean onlyStateChanged(SecretVersion before, SecretVersion after) {
    return Objects.equals(before.lifecycle().material(), after.lifecycle().material())
        && before.lifecycle().createdAt().equals(after.lifecycle().createdAt())
        && Objects.equals(before.expiresAt(), after.expiresAt());
  }

  /**
   * Moves the revision from {@code expectedRevision} (else refuses: stale or missing), then writes
   * {@code versions} whole, {@code moved} in their lifecycle columns, and the secret's row when
   * {@code rowChanged} (tags or custom labels). Writers of one secret are serialized by its
   * revision row, so the row needs no check of its own.
   */
  private void write(Secret updated, long expectedRevision, List<SecretVersion> versions, List<SecretVersion> moved,
      boolean rowChanged) {
    Objects.requireNonNull(updated, "updated");
    if (updated.revision() <= expectedRevision) {
      throw RekeyException.invalid("the updated secret must have a revision above " + expectedRevision);
    }
    checkTimes(versions); // the versions written; the others were checked when they were
    checkTimes(moved);
    String tags = Columns.tags(updated.tags());
    String labels = SecretRows.labels(updated.labels());
    tx.write("updating a secret", c -> {
      Long id = null;
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_revisions SET revision = ? WHERE secret_id ="
          + " (SELECT id FROM secrets WHERE namespace = ? AND name = ?) AND revision = ? RETURNING secret_id")) {
        ps.setLong(1, updated.revision());
        ps.setString(2, updated.namespace());
        ps.setString(3, updated.name());
        ps.setLong(4, expectedRevision);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            id = rs.getLong(1);
          }
        }
      }
      if (id == null) {
        throw staleOrMissing(c, updated, expectedRevision);
      }
      if (rowChanged) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE secrets SET tags = ?, labels = ? WHERE id = ?")) {
          ps.setString(1, tags);
          ps.setString(2, labels);
          ps.setLong(3, id);
          ps.executeUpdate();
        }
      }
      if (!versions.isEmpty()) {
        upsertVersions(c, id, versions);
      }
      if (!moved.isEmpty()) {
        moveVersions(c, id, moved);
      }
      return null;
    });
  }

  @Override
  public List<Secret> findWrappedByOtherRoot(String rootKeyId, int limit) {
    Objects.requireNonNull(rootKeyId, "rootKeyId");
    JdbcKeyRepository.checkLimit(limit);
    if (limit == 0) {
      return List.of();
    }
    return tx.read("finding secrets wrapped by another root key", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE s.id IN (SELECT DISTINCT secret_id"
          + " FROM secret_versions WHERE material IS NOT NULL AND root_key_id <> ? LIMIT ?)"
          + " ORDER BY s.id, v.number")) {
        ps.setString(1, rootKeyId);
        ps.setInt(2, limit);
        return SecretRows.read(ps);
      }
    });
  }

  @Override
  public List<NoticeDue> dueNotices(Instant now, int limit) {
    return tx.read("finding due secret expiry notices", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT s.namespace, s.name, v.number, v.expires_at,"
          + " v.next_notice_at FROM secret_versions v JOIN secrets s ON s.id = v.secret_id"
          + " WHERE v.next_notice_at IS NOT NULL AND v.next_notice_at <= ? ORDER BY v.next_notice_at LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        List<NoticeDue> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new NoticeDue(rs.getString(1), rs.getString(2), rs.getInt(3), Columns.instant(rs.getLong(4)),
                Columns.instant(rs.getLong(5))));
          }
        }
        return out;
      }
    });
  }

  @Override
  public boolean advanceNotice(String namespace, String secret, int version, Instant expected, Instant next) {
    return tx.write("advancing a secret expiry notice", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE secret_versions SET next_notice_at = ?"
          + " WHERE number = ? AND next_notice_at = ?"
          + " AND secret_id = (SELECT id FROM secrets WHERE namespace = ? AND name = ?)")) {
        Columns.setInstant(ps, 1, next);
        ps.setInt(2, version);
        ps.setLong(3, Columns.nanos(expected));
        ps.setString(4, namespace);
        ps.setString(5, secret);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<SecretGuardrail> guardrail(String namespace) {
    return tx.read("reading a secret guardrail", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT require_expiry, max_lifetime FROM secret_guardrails WHERE namespace = ?")) {
        ps.setString(1, namespace);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long seconds = rs.getLong("max_lifetime");
          Duration max = rs.wasNull() ? null : Duration.ofSeconds(seconds);
          return Optional.of(new SecretGuardrail(namespace, rs.getInt("require_expiry") != 0, max));
        }
      }
    });
  }

  @Override
  public void putGuardrail(SecretGuardrail g) {
    tx.write("storing a secret guardrail", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO secret_guardrails (namespace, require_expiry,"
          + " max_lifetime) VALUES (?, ?, ?) ON CONFLICT (namespace) DO UPDATE SET"
          + " require_expiry = excluded.require_expiry, max_lifetime = excluded.max_lifetime")) {
        ps.setString(1, g.namespace());
        ps.setInt(2, g.requireExpiry() ? 1 : 0);
        if (g.maxLifetime() == null) {
          ps.setNull(3, Types.BIGINT);
        } else {
          ps.setLong(3, g.maxLifetime().getSeconds());
        }
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static RekeyException staleOrMissing(Connection c, Secret s, long expected) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT r.revision FROM secrets s JOIN secret_revisions r"
        + " ON r.secret_id = s.id WHERE s.namespace = ? AND s.name = ?")) {
      ps.setString(1, s.namespace());
      ps.setString(2, s.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return RekeyException.notFound("secret '" + s.name() + "' does not exist in namespace '" + s.namespace() + "'");
        }
        return RekeyException.concurrentModification("secret '" + s.name() + "' was changed concurrently (revision "
            + rs.getLong(1) + ", expected " + expected + "); reload it and retry");
      }
    }
  }

  private static void moveVersions(Connection c, long id, List<SecretVersion> versions) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(MOVE_VERSION)) {
      for (SecretVersion v : versions) {
        KeyVersion l = v.lifecycle();
        ps.setString(1, l.state().name());
        Columns.setInstant(ps, 2, l.stateChangedAt());
        Columns.setInstant(ps, 3, l.revokedAt());
        Columns.setInstant(ps, 4, l.destroyAfter());
        ps.setLong(5, id);
        ps.setInt(6, l.number());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int n : counts) {
        if (n == 0) {
          throw new IllegalStateException("a changed secret version was not found (secret id " + id + ")");
        }
      }
    }
  }

  private static void upsertVersions(Connection c, long id, List<SecretVersion> versions) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT_VERSION)) {
      for (SecretVersion v : versions) {
        ps.setLong(1, id);
        VersionColumns.bind(ps, 2, v.lifecycle());
        Columns.setInstant(ps, 2 + VersionColumns.COUNT, v.expiresAt());
        Columns.setInstant(ps, 3 + VersionColumns.COUNT,
            SecretExpiry.firstNotice(v.expiresAt(), v.lifecycle().createdAt()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void checkTimes(Secret s) {
    checkTimes(s.versions());
  }

  private static void checkTimes(List<SecretVersion> versions) {
    for (SecretVersion v : versions) {
      VersionColumns.checkTimes(v.lifecycle());
      if (v.expiresAt() != null) {
        Columns.nanos(v.expiresAt());
      }
    }
  }
}
