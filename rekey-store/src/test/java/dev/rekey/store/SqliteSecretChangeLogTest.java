package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.material;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SQLite's change log of secrets ({@link SecretChangeLog}): changes appended, read back through
 * the log before and after they are folded, folded atomically, kept across a restart.
 */
class SqliteSecretChangeLogTest extends StoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }

  private JdbcSecretRepository repository(int foldEvery) {
    return new JdbcSecretRepository((JdbcTransactions) store.transactions(), Dialect.SQLITE, foldEvery);
  }

  private static Secret next(Secret s, int i) {
    return s.addVersion(material("v" + i, i % 2 == 0 ? "root-1" : "root-2"), i % 3 == 0 ? null : t(24 * 60 + i),
        false, t(i));
  }

  @Test
  void changesAreFoldedEveryN_andEveryReadSeesTheLatestBeforeAndAfter() throws SQLException {
    JdbcSecretRepository secrets = repository(3);
    Secret s = SecretRepositoryContract.secret("default", "db");
    secrets.insert(s);
    for (int i = 2; i <= 11; i++) {
      Secret updated = next(s, i).withTags(Map.of("round", String.valueOf(i)));
      secrets.update(s, updated);
      s = updated;
      assertThat(secrets.find("default", "db")).contains(s);
      assertThat(logRows()).isEqualTo((i - 1) % 3); // each third change folds the log
    }
    assertThat(secrets.list("default", null, 10)).containsExactly(s);

    secrets.foldChanges();
    assertThat(logRows()).isZero();
    // read from the tables alone, by a repository that never saw the changes
    assertThat(repository(1000).find("default", "db")).contains(s);
  }

  @Test
  void aVersionWrittenThenMovedInOneFold_isStoredInItsFinalState() throws SQLException {
    JdbcSecretRepository secrets = repository(1000);
    Secret v1 = SecretRepositoryContract.secret("default", "db");
    secrets.insert(v1);
    Secret v2 = v1.addVersion(material("v2", "root-1"), null, false, t(1));
    secrets.update(v1, v2); // writes version 2, moves version 1
    Secret v3 = v2.addVersion(material("v3", "root-1"), null, false, t(2));
    secrets.update(v2, v3); // writes version 3, moves version 2
    Secret v4 = v3.move(1, VersionState.DISABLED, t(3), null);
    secrets.update(v3, v4); // moves version 1 again
    assertThat(logRows()).isEqualTo(3);

    secrets.foldChanges();
    assertThat(logRows()).isZero();
    Secret stored = repository(1000).find("default", "db").orElseThrow();
    assertThat(stored).isEqualTo(v4);
    assertThat(stored.versions()).extracting(SecretVersion::state)
        .containsExactly(VersionState.DISABLED, VersionState.ACTIVE, VersionState.PRIMARY);
  }

  @Test
  void theRevisionCheck_holdsAgainstChangesNotFoldedYet() {
    JdbcSecretRepository secrets = repository(1000);
    Secret v1 = SecretRepositoryContract.secret("default", "db");
    secrets.insert(v1);
    Secret v2 = next(v1, 2);
    secrets.update(v1, v2);

    assertThatThrownBy(() -> secrets.update(v1, v1.withTags(Map.of("lost", "update"))))
        .isInstanceOfSatisfying(RekeyException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION);
          assertThat(e.getMessage()).contains("revision " + v2.revision() + ", expected " + v1.revision());
        });
    Secret missing = next(SecretRepositoryContract.secret("default", "nope"), 2);
    assertThatThrownBy(() -> secrets.update(missing, missing.revision() - 1))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(secrets.find("default", "db")).contains(v2);
  }

  @Test
  void queriesByVersionColumns_foldFirst() {
    JdbcSecretRepository secrets = repository(1000);
    Secret v1 = Secret.create("default", "db", Map.of(), material("v1", "root-2"), null, T0);
    secrets.insert(v1);
    Secret v2 = v1.addVersion(material("v2", "root-1"), t(24 * 30), false, t(1));
    secrets.update(v1, v2);

    // version 2, only in the log so far: its expiry notice and its root key are found
    java.time.Instant notice = dev.rekey.core.secret.SecretExpiry.firstNotice(t(24 * 30), t(1));
    assertThat(secrets.dueNotices(notice, 10)).extracting(n -> n.version()).containsExactly(2);
    assertThat(secrets.findWrappedByOtherRoot("root-2", 10)).containsExactly(v2);
  }

  @Test
  void unfoldedChanges_surviveARestart() {
    JdbcSecretRepository secrets = repository(1000);
    Secret s = SecretRepositoryContract.secret("default", "db");
    secrets.insert(s);
    for (int i = 2; i <= 5; i++) {
      Secret updated = next(s, i);
      secrets.update(s, updated);
      s = updated;
    }
    store.close();

    Store reopened = open(config);
    assertThat(reopened.secrets().find("default", "db")).contains(s);
    Secret after = next(s, 6);
    reopened.secrets().update(s, after);
    assertThat(reopened.secrets().find("default", "db")).contains(after);
  }

  @Test
  void aFoldThatFails_leavesTheTablesAndTheLogAsTheyWere() throws SQLException {
    JdbcSecretRepository secrets = repository(1000);
    Secret v1 = SecretRepositoryContract.secret("default", "db");
    secrets.insert(v1);
    Secret v2 = next(v1, 2);
    secrets.update(v1, v2);
    Secret v3 = next(v2, 3);
    secrets.update(v2, v3);
    sql("UPDATE secret_changes SET change = X'07' WHERE revision = " + v3.revision());

    assertThatThrownBy(secrets::foldChanges).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown format 7");
    assertThat(logRows()).isEqualTo(2);
    assertThat(count("SELECT revision FROM secrets WHERE name = 'db'")).isEqualTo(v1.revision());
    assertThat(count("SELECT COUNT(*) FROM secret_versions")).isEqualTo(1);
  }

  @Test
  void aChange_encodesEveryColumn_withAndWithoutValues() {
    KeyVersion full = new KeyVersion(7, VersionState.DESTROY_SCHEDULED, material("x", "root-9"), t(1), t(2), t(3), t(4));
    KeyVersion destroyed = new KeyVersion(8, VersionState.DESTROYED, null, t(5), t(6), null, null);
    SecretChangeLog.Change change = new SecretChangeLog.Change(42, "{\"é\":\"ü\"}", "{\"CURRENT\":8}",
        List.of(new SecretVersion(full, t(9))), List.of(new SecretVersion(destroyed, null)));

    assertThat(SecretChangeLog.decode(42, SecretChangeLog.encode(change))).isEqualTo(change);
  }

  private long logRows() throws SQLException {
    return count("SELECT COUNT(*) FROM secret_changes");
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void sql(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl()); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }
}
