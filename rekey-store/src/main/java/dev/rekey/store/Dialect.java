package dev.rekey.store;

import java.util.Locale;

/** The databases a {@link Store} runs on, recognised by the prefix of the JDBC URL. */
public enum Dialect {
  /** Embedded, one file, the default: one writer at a time, WAL, fsync on every commit. */
  SQLITE("jdbc:sqlite:"),
  /** Several nodes sharing one database. */
  POSTGRESQL("jdbc:postgresql:");

  private final String urlPrefix;

  Dialect(String urlPrefix) {
    this.urlPrefix = urlPrefix;
  }

  public String urlPrefix() {
    return urlPrefix;
  }

  /** Name of the folder holding this dialect's migrations. */
  String resourceFolder() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The dialect of {@code jdbcUrl}. Throws IllegalArgumentException naming the supported prefixes
   * otherwise; the message shows only the URL's scheme, never its credentials.
   */
  public static Dialect fromUrl(String jdbcUrl) {
    if (jdbcUrl != null) {
      for (Dialect d : values()) {
        if (jdbcUrl.startsWith(d.urlPrefix)) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException("unsupported jdbcUrl '" + scheme(jdbcUrl) + "...': supported are "
        + SQLITE.urlPrefix + "/path/to/rekey.db and " + POSTGRESQL.urlPrefix + "//host:5432/database");
  }

  static String scheme(String jdbcUrl) {
    if (jdbcUrl == null) {
      return "";
    }
    int first = jdbcUrl.indexOf(':');
    int second = first < 0 ? -1 : jdbcUrl.indexOf(':', first + 1);
    return second < 0 ? jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 12)) : jdbcUrl.substring(0, second + 1);
  }
}
