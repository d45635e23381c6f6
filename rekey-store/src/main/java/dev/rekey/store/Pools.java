package dev.rekey.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Builds the connection pool for a dialect with the settings the store's guarantees rely on. */
final class Pools {
  static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;

  private Pools() {}

  static HikariDataSource create(StoreConfig config) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("rekey-store");
    hc.setMaximumPoolSize(config.effectivePoolSize());
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(10_000);
    hc.setAutoCommit(true);
    if (config.dialect() == Dialect.SQLITE) {
      // sqlite-jdbc compiles every prepareStatement afresh; keep them per connection instead
      hc.setDataSource(StatementCache.dataSource(sqlite(config), StatementCache.DEFAULT_CAPACITY));
    } else {
      hc.setJdbcUrl(config.jdbcUrl());
      hc.setUsername(config.user());
      hc.setPassword(config.password());
      // one multi-row INSERT per JDBC batch: the audit group commit depends on it
      hc.addDataSourceProperty("reWriteBatchedInserts", "true");
      hc.addDataSourceProperty("ApplicationName", "rekey");
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(SQLITE_BUSY_TIMEOUT_MS);
    for (int attempt = 1; ; attempt++) {
      try {
        return new HikariDataSource(hc);
      } catch (RuntimeException e) {
        // Several processes opening a fresh SQLite file race for the exclusive lock that switching
        // it to WAL needs, before the busy timeout applies: wait and retry within the same budget.
        if (config.dialect() == Dialect.SQLITE && sqliteBusy(e) && System.nanoTime() < deadline) {
          sleep(Math.min(200, 10L * attempt));
          continue;
        }
        throw new IllegalStateException("cannot connect to " + config.redactedUrl() + ": check that the database"
            + " is reachable and the user and password are right (" + e.getClass().getSimpleName() + ")", e);
      }
    }
  }

  private static boolean sqliteBusy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("SQLITE_BUSY")) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening the database", ie);
    }
  }

  /**
   * WAL with synchronous=FULL (a commit is on disk when it returns), a busy timeout for other
   * processes, foreign keys on, and IMMEDIATE transactions so that a writer takes the write lock
   * when it begins and two writers can never deadlock upgrading a read lock.
   */
  /** Upper bound of the memory map (address space, not memory: pages come from the OS cache). */
  static final long SQLITE_MMAP_BYTES = 1L << 30;

  private static SQLiteDataSource sqlite(StoreConfig config) {
    Path file = Path.of(StoreConfig.sqliteFile(config.jdbcUrl())).toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of the database file " + file.getParent(), e);
    }
    SQLiteConfig sc = new SQLiteConfig();
    sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sc.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sc.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
    sc.enforceForeignKeys(true);
    sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Reads through a memory map instead of pread: every connection's page cache is discarded
    // whenever another connection (the audit writer, say) committed, and re-reading the pages
    // with a syscall and a copy each was a fifth of a secret write's CPU.
    sc.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(SQLITE_MMAP_BYTES));
    // Savepoint journals in memory: a group commit runs each write in a savepoint, and once a
    // batch's journal passed 64 KiB SQLite spilled it to a temporary file, a page write per page
    // a write touched. They never need to survive a crash (the WAL keeps the transaction atomic).
    sc.setTempStore(SQLiteConfig.TempStore.MEMORY);
    // Nothing reads generated keys (ids come from RETURNING); fetching them ran a second statement
    // after every INSERT.
    sc.setGetGeneratedKeys(false);
    SQLiteDataSource ds = new SQLiteDataSource(sc);
    ds.setUrl(config.jdbcUrl());
    return ds;
  }
}
