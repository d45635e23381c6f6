package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.store.JdbcEventOutbox.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V18 turns SQLite's per-event dispatch flag into a cursor: nothing dispatched comes back, nothing pending is lost. */
class SqliteEventCursorUpgradeTest {
  @TempDir Path dir;

  @Test
  void v18_startsTheCursorBeforeTheFirstUndispatchedEvent() throws Exception {
    StoreConfig config = Backends.sqlite(dir.resolve("old"));
    Files.createDirectories(dir.resolve("old").resolve("data"));
    try (Connection c = DriverManager.getConnection(config.jdbcUrl()); Statement st = c.createStatement()) {
      OldSchema.migrateBelow(c, Dialect.SQLITE, 18);
      for (int i = 1; i <= 5; i++) {
        st.execute("INSERT INTO events (id, type, event_time, namespace, subject, tags, data, dispatched_at) VALUES ('"
            + java.util.UUID.randomUUID() + "', 'KeyNewVersionCreated', " + i + ", 'default', 'keys/k" + i + "', '{}', '{}', "
            + (i <= 3 ? "7" : "NULL") + ")");
      }
    }

    try (Store store = Store.open(config)) {
      List<StoredEvent> pending = store.events().undispatched(10);
      assertThat(pending).extracting(e -> e.event().subject()).containsExactly("keys/k4", "keys/k5");
      assertThat(store.events().markDispatched(pending.stream().map(StoredEvent::seq).toList(), Instant.EPOCH))
          .hasSize(2);
      assertThat(store.events().undispatched(10)).isEmpty();
      assertThat(store.events().recent(null, null, 10)).hasSize(5);
    }
    try (Connection c = DriverManager.getConnection(config.jdbcUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
      assertThat(indexes).doesNotContain("events_time", "events_undispatched");
    }
  }

  @Test
  void v18_onAnEmptyOutbox_startsAtZero() throws Exception {
    try (Store store = Store.open(Backends.sqlite(dir.resolve("fresh")))) {
      assertThat(store.events().undispatched(10)).isEmpty();
      store.events().append(List.of(EventOutboxContract.event("x")));
      assertThat(store.events().undispatched(10)).hasSize(1);
    }
  }
}
