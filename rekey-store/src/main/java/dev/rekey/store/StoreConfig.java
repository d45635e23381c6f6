package dev.rekey.store;

import java.nio.file.Path;

/**
 * Where and how to connect. Validated on construction with messages that say what to fix.
 * {@link #toString()} never shows the password.
 *
 * @param jdbcUrl {@code jdbc:sqlite:/path/to/rekey.db} or {@code jdbc:postgresql://host:5432/db}
 * @param user database user (PostgreSQL; ignored by SQLite), may be null
 * @param password database password (PostgreSQL; ignored by SQLite), may be null
 * @param maxPoolSize upper bound of pooled connections; SQLite uses at most {@link #SQLITE_MAX_POOL_SIZE}
 */
public record StoreConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
  public static final int DEFAULT_MAX_POOL_SIZE = 10;
  public static final int MAX_POOL_SIZE_LIMIT = 200;
  /** SQLite has one writer; a few extra connections let readers run beside it. */
  public static final int SQLITE_MAX_POOL_SIZE = 4;

  public StoreConfig {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("jdbcUrl is required: use jdbc:sqlite:/path/to/rekey.db"
          + " or jdbc:postgresql://host:5432/database");
    }
    Dialect dialect = Dialect.fromUrl(jdbcUrl);
    if (dialect == Dialect.SQLITE) {
      String file = sqliteFile(jdbcUrl);
      if (file.isEmpty() || file.contains(":memory:") || jdbcUrl.contains("mode=memory")) {
        throw new IllegalArgumentException("in-memory SQLite is not supported (pooled connections must share"
            + " one database): use jdbc:sqlite:/path/to/rekey.db");
      }
    }
    if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE_LIMIT) {
      throw new IllegalArgumentException("maxPoolSize must be between 1 and " + MAX_POOL_SIZE_LIMIT
          + ", got " + maxPoolSize);
    }
  }

  /** An embedded SQLite database in {@code file}; its parent directory is created on open. */
  public static StoreConfig sqlite(Path file) {
    return new StoreConfig(Dialect.SQLITE.urlPrefix() + file.toAbsolutePath(), null, null, DEFAULT_MAX_POOL_SIZE);
  }

  public static StoreConfig of(String jdbcUrl, String user, String password) {
    return new StoreConfig(jdbcUrl, user, password, DEFAULT_MAX_POOL_SIZE);
  }

  public StoreConfig withMaxPoolSize(int size) {
    return new StoreConfig(jdbcUrl, user, password, size);
  }

  public Dialect dialect() {
    return Dialect.fromUrl(jdbcUrl);
  }

  /** The pool size actually used: capped for SQLite. */
  int effectivePoolSize() {
    return dialect() == Dialect.SQLITE ? Math.min(maxPoolSize, SQLITE_MAX_POOL_SIZE) : maxPoolSize;
  }

  /** The URL without its query string, which may carry credentials: safe for messages and logs. */
  public String redactedUrl() {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...";
  }

  /** The database file of a SQLite URL: the part after the prefix, without {@code file:} and query. */
  static String sqliteFile(String jdbcUrl) {
    String rest = jdbcUrl.substring(Dialect.SQLITE.urlPrefix().length());
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    int q = rest.indexOf('?');
    return q < 0 ? rest : rest.substring(0, q);
  }

  @Override
  public String toString() {
    return "StoreConfig[jdbcUrl=" + redactedUrl() + ", user=" + user + ", password="
        + (password == null ? "none" : "***") + ", maxPoolSize=" + maxPoolSize + "]";
  }
}
