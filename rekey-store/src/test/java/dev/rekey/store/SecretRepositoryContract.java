package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.material;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SecretRepository contract, run on every dialect. */
abstract class SecretRepositoryContract extends StoreContract {

  private SecretRepository secrets() {
    return store.secrets();
  }

  static Secret secret(String ns, String name) {
    return Secret.create(ns, name, Map.of("team", "core"), material("s-" + name, "root-1"), t(24 * 30), T0);
  }

  @Test
  void insert_thenFind_roundTripsEveryField() {
    Secret s = secret("default", "db")
        .addVersion(material("v2", "root-1"), null, false, t(1))
        .addVersion(material("v3", "root-2"), t(48), true, t(2))
        .withLabel("blue", 1);
    secrets().insert(s);

    Secret read = secrets().find("default", "db").orElseThrow();
    assertThat(read).isEqualTo(s);
    assertThat(read.versions()).extracting(v -> v.state())
        .containsExactly(VersionState.ACTIVE, VersionState.PRIMARY, VersionState.PENDING);
    assertThat(read.requireVersion(1).expiresAt()).isEqualTo(t(24 * 30));
    assertThat(read.requireVersion(2).expiresAt()).isNull();
    assertThat(read.labels()).containsEntry("blue", 1);
    assertThat(read.requireVersion(3).lifecycle().material().ciphertext())
        .isEqualTo(s.requireVersion(3).lifecycle().material().ciphertext());
  }

  @Test
  void insert_duplicateName_throwsAlreadyExists() {
    secrets().insert(secret("default", "db"));

    assertThatThrownBy(() -> secrets().insert(secret("default", "db")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    secrets().insert(secret("other", "db"));
  }

  @Test
  void update_withStaleRevision_throwsAndWritesNothing() {
    Secret v1 = secret("default", "db");
    secrets().insert(v1);
    Secret v2 = v1.addVersion(material("v2", "root-1"), null, false, t(1));
    secrets().update(v2, v1.revision());

    Secret stale = v1.withTags(Map.of("lost", "update"));
    assertThatThrownBy(() -> secrets().update(stale, v1.revision()))
        .isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(secrets().find("default", "db")).contains(v2);
  }

  @Test
  void updateFromCurrent_writesTheChangedVersions_andReadsBackTheWholeSecret() {
    Secret v1 = secret("default", "db");
    secrets().insert(v1);
    Secret v2 = v1.addVersion(material("v2", "root-1"), t(48), false, t(1));
    secrets().update(v1, v2);
    assertThat(secrets().find("default", "db")).contains(v2);

    Secret v3 = v2.addVersion(material("v3", "root-1"), null, false, t(2));
    secrets().update(v2, v3);
    assertThat(secrets().find("default", "db")).contains(v3);

    assertThatThrownBy(() -> secrets().update(v2, v2.withTags(Map.of("lost", "update"))))
        .isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(secrets().find("default", "db")).contains(v3);
  }

  @Test
  void list_pagesByName_withinOneNamespace() {
    for (String n : List.of("c", "a", "b")) {
      secrets().insert(secret("default", n));
    }
    secrets().insert(secret("other", "z"));

    assertThat(secrets().list("default", null, 2)).extracting(Secret::name).containsExactly("a", "b");
    assertThat(secrets().list("default", "b", 10)).extracting(Secret::name).containsExactly("c");
  }

  @Test
  void findWrappedByOtherRoot_findsSecretsWithAnyOldVersion() {
    secrets().insert(secret("default", "old"));
    secrets().insert(Secret.create("default", "new", Map.of(), material("n", "root-2"), null, T0));

    assertThat(secrets().findWrappedByOtherRoot("root-2", 10)).extracting(Secret::name).containsExactly("old");
    assertThat(secrets().findWrappedByOtherRoot("root-1", 10)).extracting(Secret::name).containsExactly("new");
  }

  @Test
  void guardrail_isUpserted_perNamespace() {
    assertThat(secrets().guardrail("default")).isEmpty();
    secrets().putGuardrail(new SecretGuardrail("default", true, Duration.ofDays(90)));
    secrets().putGuardrail(new SecretGuardrail("default", true, null));
    secrets().putGuardrail(new SecretGuardrail("other", false, Duration.ofHours(5)));

    assertThat(secrets().guardrail("default")).contains(new SecretGuardrail("default", true, null));
    assertThat(secrets().guardrail("other")).contains(new SecretGuardrail("other", false, Duration.ofHours(5)));
  }

  @Test
  void expiryNotices_areDueFromTheFirstThreshold_andAdvanceOnce() {
    secrets().insert(secret("default", "db"));
    java.time.Instant first = dev.rekey.core.secret.SecretExpiry.firstNotice(t(24 * 30), T0);

    assertThat(secrets().dueNotices(first.minusSeconds(1), 10)).isEmpty();
    List<SecretRepository.NoticeDue> due = secrets().dueNotices(first, 10);
    assertThat(due).containsExactly(new SecretRepository.NoticeDue("default", "db", 1, t(24 * 30), first));

    assertThat(secrets().advanceNotice("default", "db", 1, first, t(24 * 29))).isTrue();
    assertThat(secrets().advanceNotice("default", "db", 1, first, t(24 * 29))).isFalse();
    assertThat(secrets().dueNotices(first, 10)).isEmpty();
    // a later write of the secret keeps the version's notice schedule
    Secret stored = secrets().find("default", "db").orElseThrow();
    secrets().update(stored.withTags(Map.of("x", "y")), stored.revision());
    assertThat(secrets().dueNotices(t(24 * 29), 10)).extracting(SecretRepository.NoticeDue::noticeAt)
        .containsExactly(t(24 * 29));
  }

  /**
   * A long history written one put at a time, each writing only what changed (the new version, the
   * staging moves): every read, and the queries by version columns, see the whole of it.
   */
  @Test
  void aLongRunOfUpdates_isSeenByEveryRead() {
    Secret s = secret("default", "db");
    secrets().insert(s);
    Secret other = secret("default", "other");
    secrets().insert(other);
    for (int i = 2; i <= 30; i++) {
      Secret updated = s.addVersion(material("v" + i, i == 30 ? "root-2" : "root-1"), t(24 * 60 + i), false, t(i));
      secrets().update(s, updated);
      s = updated;
      assertThat(secrets().find("default", "db")).contains(s);
    }
    assertThat(secrets().list("default", null, 10)).containsExactly(s, other);
    assertThat(secrets().findWrappedByOtherRoot("root-1", 10)).containsExactly(s);
    java.time.Instant notice = dev.rekey.core.secret.SecretExpiry.firstNotice(t(24 * 60 + 30), t(30));
    List<String> due = new java.util.ArrayList<>();
    for (Secret x : List.of(s, other)) {
      for (dev.rekey.core.secret.SecretVersion v : x.versions()) {
        java.time.Instant first = dev.rekey.core.secret.SecretExpiry.firstNotice(v.expiresAt(),
            v.lifecycle().createdAt());
        if (first != null && !first.isAfter(notice)) {
          due.add(x.name() + "/" + v.number());
        }
      }
    }
    assertThat(due).contains("db/30");
    assertThat(secrets().dueNotices(notice, 100)).extracting(n -> n.secret() + "/" + n.version())
        .containsExactlyInAnyOrderElementsOf(due);
  }

  @Test
  void updateFromCurrent_storesChangedTagsAndLabels_andAPutThatKeepsThemLeavesThemAsTheyWere() {
    Secret v1 = secret("default", "db");
    secrets().insert(v1);
    Secret tagged = v1.withTags(Map.of("team", "payments")).withLabel("blue", 1);
    secrets().update(v1, tagged);
    Secret put = tagged.addVersion(material("v2", "root-1"), null, false, t(1));
    secrets().update(tagged, put);

    Secret read = secrets().find("default", "db").orElseThrow();
    assertThat(read).isEqualTo(put);
    assertThat(read.tags()).containsExactly(Map.entry("team", "payments"));
    assertThat(read.labels()).containsExactly(Map.entry("blue", 1));
    assertThat(read.revision()).isEqualTo(put.revision());
    assertThatThrownBy(() -> secrets().update(tagged, tagged.withTags(Map.of("lost", "update"))))
        .isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(secrets().find("default", "db")).contains(put);
  }

  /** V24 moves each secret's revision into secret_revisions: stored secrets read back whole, and checks go on. */
  @Test
  void v24_keepsEverySecretsRevision_andTheRevisionCheckGoesOn() throws Exception {
    Secret written = secret("default", "db")
        .addVersion(material("v2", "root-1"), null, false, t(1))
        .withLabel("blue", 1);
    Secret other = secret("default", "api");
    secrets().insert(written);
    secrets().insert(other);
    StoreConfig old = newDatabase(tempDir.resolve("old"));
    java.nio.file.Files.createDirectories(tempDir.resolve("old").resolve("data"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password());
        java.sql.Connection ref = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(),
            config.password())) {
      OldSchema.migrateBelow(c, old.dialect(), 24);
      copyRows(ref, c, "secrets", "SELECT s.id, s.namespace, s.name, s.tags, s.labels, s.created_at, r.revision"
          + " FROM secrets s JOIN secret_revisions r ON r.secret_id = s.id");
      copyRows(ref, c, "secret_versions", "SELECT * FROM secret_versions");
      if (old.dialect() == Dialect.POSTGRESQL) {
        try (java.sql.Statement st = c.createStatement()) { // the ids were copied: new ones start after them
          st.execute("SELECT setval(pg_get_serial_sequence('secrets', 'id'), (SELECT MAX(id) FROM secrets))");
        }
      }
    }

    try (Store migrated = open(old)) {
      assertThat(migrated.secrets().find("default", "db")).contains(written);
      assertThat(migrated.secrets().find("default", "api")).contains(other);
      Secret next = written.addVersion(material("v3", "root-1"), null, false, t(2));
      migrated.secrets().update(written, next);
      assertThat(migrated.secrets().find("default", "db")).contains(next);
      assertThatThrownBy(() -> migrated.secrets().update(written, next))
          .isInstanceOfSatisfying(RekeyException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
      Secret created = secret("default", "new");
      migrated.secrets().insert(created);
      assertThat(migrated.secrets().find("default", "new")).contains(created);
    }
  }

  private static void copyRows(java.sql.Connection from, java.sql.Connection to, String table, String query)
      throws java.sql.SQLException {
    try (java.sql.Statement st = from.createStatement(); java.sql.ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      List<String> names = new java.util.ArrayList<>();
      for (int i = 1; i <= n; i++) {
        names.add(rs.getMetaData().getColumnName(i));
      }
      String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ")"
          + (table.equals("secrets") && to.getMetaData().getDatabaseProductName().contains("PostgreSQL")
              ? " OVERRIDING SYSTEM VALUE" : "")
          + " VALUES (" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
      try (java.sql.PreparedStatement ps = to.prepareStatement(sql)) {
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            ps.setObject(i, rs.getObject(i));
          }
          ps.executeUpdate();
        }
      }
    }
  }
}
