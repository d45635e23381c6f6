package dev.rekey.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import javax.sql.DataSource;

/**
 * Prepared statements kept open per physical connection, for drivers without a cache of their own
 * (sqlite-jdbc compiles every {@code prepareStatement} afresh: preparing a join costs more than
 * running it). {@link #wrap} gives a connection whose {@code prepareStatement(String)} hands out a
 * cached statement; closing that handle closes its result set, clears parameters and batch, and
 * returns the statement to the cache instead of finalizing it.
 *
 * <p>Rules that keep reuse invisible to callers: a statement is handed to one user at a time (a
 * second open handle for the same SQL gets a fresh, uncached statement); a statement whose
 * execution threw is finalized on close, never reused; the cache holds at most {@code capacity}
 * statements and finalizes the least recently used one beyond that; closing the connection
 * finalizes them all. The wrapped connection is used by one thread at a time, as pooled
 * connections are, so nothing here is synchronized.
 */
final class StatementCache {
  static final int DEFAULT_CAPACITY = 128;

  private final Connection connection;
  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(32, 0.75f, true);

  private StatementCache(Connection connection, int capacity) {
    this.connection = connection;
    this.capacity = capacity;
  }

  /** A connection over {@code physical} that caches up to {@code capacity} prepared statements. */
  static Connection wrap(Connection physical, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    StatementCache cache = new StatementCache(physical, capacity);
    return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
        new Class<?>[] {Connection.class}, cache.new ConnectionHandler());
  }

  /** A data source whose connections are {@linkplain #wrap wrapped}: what the pool opens. */
  static DataSource dataSource(DataSource physical, int capacity) {
    return (DataSource) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = forward(physical, method, args);
          return method.getName().equals("getConnection") ? wrap((Connection) result, capacity) : result;
        });
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    Entry e = entries.get(sql);
    if (e == null) {
      e = new Entry(sql, connection.prepareStatement(sql));
      entries.put(sql, e);
      evictBeyondCapacity();
    } else if (e.inUse) {
      return connection.prepareStatement(sql); // nested use of the same SQL: an ordinary statement
    }
    e.inUse = true;
    return (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, new Handle(e));
  }

  private void evictBeyondCapacity() {
    Iterator<Entry> it = entries.values().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      Entry eldest = it.next();
      it.remove();
      eldest.evicted = true;
      if (!eldest.inUse) {
        closeQuietly(eldest.statement);
      }
    }
  }

  private void closeAll() {
    for (Entry e : entries.values()) {
      e.evicted = true;
      closeQuietly(e.statement);
    }
    entries.clear();
  }

  private static void closeQuietly(PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException ignored) {
      // finalizing a statement of a connection being discarded
    }
  }

  private static final class Entry {
    final String sql;
    final PreparedStatement statement;
    boolean inUse;
    boolean evicted;

    Entry(String sql, PreparedStatement statement) {
      this.sql = sql;
      this.statement = statement;
    }
  }

  /** The connection: caches {@code prepareStatement(String)}, finalizes the cache on close. */
  private final class ConnectionHandler implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("prepareStatement") && args.length == 1 && args[0] instanceof String sql) {
        return prepare(sql);
      }
      if (name.equals("close")) {
        closeAll();
      } else if (name.equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
        return proxy;
      } else if (name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(proxy)) {
        return true;
      } else if (name.equals("equals")) {
        return proxy == args[0];
      } else if (name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      } else if (name.equals("toString")) {
        return "CachingConnection[" + connection + "]";
      }
      return forward(connection, method, args);
    }
  }

  /** One checkout of a cached statement; closing it returns the statement, once. */
  private final class Handle implements InvocationHandler {
    private final Entry entry;
    private ResultSet results;
    private boolean failed;
    private boolean closed;

    Handle(Entry entry) {
      this.entry = entry;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "close":
          release();
          return null;
        case "isClosed":
          return closed;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "CachedStatement[" + entry.sql + "]";
        default:
          break;
      }
      if (closed) {
        throw new SQLException("statement is closed");
      }
      try {
        Object result = forward(entry.statement, method, args);
        if (result instanceof ResultSet rs) {
          results = rs;
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        failed = true; // a statement in an unknown state is never reused
        throw e;
      }
    }

    private void release() throws SQLException {
      if (closed) {
        return;
      }
      closed = true;
      entry.inUse = false;
      boolean reusable = !failed && !entry.evicted;
      try {
        if (results != null) {
          results.close(); // resets the statement: no read snapshot stays open
        }
        if (reusable) {
          entry.statement.clearParameters();
          entry.statement.clearBatch();
        }
      } catch (SQLException e) {
        reusable = false;
        throw e;
      } finally {
        results = null;
        if (!reusable) {
          if (entries.get(entry.sql) == entry) {
            entries.remove(entry.sql);
          }
          closeQuietly(entry.statement);
        }
      }
    }
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
