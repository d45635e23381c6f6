package dev.rekey.store;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Thread-bound transactions over a pool. {@link #inTransaction} binds one connection to the calling
 * thread; repository calls on that thread, and nested {@code inTransaction} calls, join it. Each
 * joined write runs inside a savepoint, so a write that fails (a duplicate, a stale revision) leaves
 * nothing behind and the outer transaction stays usable; on SQLite a write of one statement needs
 * none ({@link #writeOne}). Outside a transaction every write is its own short transaction and every
 * read a single auto-committed statement.
 *
 * <p>On SQLite there is one writer at a time. Writers queue on a fair in-process lock instead of
 * spinning in SQLite's busy handler; the busy timeout still covers other processes on the same file.
 */
public final class JdbcTransactions implements Transactions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcTransactions.class);
  /** Deadlock detected, serialization failure: the database gave up this transaction for a concurrent one. */
  static final java.util.Set<String> CONFLICT_STATES = java.util.Set.of("40P01", "40001");

  /** Work on a connection that may throw SQLException. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  static final long WRITER_WAIT_SECONDS = 30;

  private final DataSource pool;
  private final ReentrantLock writer;
  private final ThreadLocal<Connection> bound = new ThreadLocal<>();
  /**
   * Set when the bound transaction ended under its caller: SQLite rolls back the whole transaction
   * (savepoints included) on some failures of one statement (a full disk, an I/O error) and goes
   * back to auto-commit mode, where every later statement would be stored on its own. From then
   * on every statement on it is refused and the transaction fails instead of committing.
   */
  private final ThreadLocal<Boolean> ended = new ThreadLocal<>();
  /** What to run once the thread's outermost transaction has committed. */
  private final ThreadLocal<java.util.List<Runnable>> onCommit = new ThreadLocal<>();
  private final boolean cachedSavepoints;
  /** SQLite: a statement refused on its own terms is undone whole and the transaction goes on. */
  private final boolean atomicStatements;

  /**
   * SQLite: every write transaction runs on one connection, kept while the store is open. A
   * connection drops its page cache whenever another connection has written, so writers that
   * alternate between connections (group commits of secrets, the audit log) re-read every page
   * they touch; one writer connection keeps its cache and its prepared statements warm.
   * Replaced after a storage failure, like a connection the pool would discard.
   */
  private Connection writerConnection;

  JdbcTransactions(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.writer = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
    this.cachedSavepoints = dialect == Dialect.SQLITE;
    this.atomicStatements = dialect == Dialect.SQLITE;
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    Connection joined = bound.get();
    if (joined != null) {
      return inSavepoint(joined, "running a nested transaction", c -> work.get());
    }
    T result;
    try {
      result = outermost("running a transaction", c -> {
        bound.set(c);
        try {
          T r = work.get();
          requireOpen("committing a transaction");
          return r;
        } finally {
          bound.remove();
          ended.remove();
        }
      });
    } catch (RuntimeException | Error e) {
      onCommit.remove();
      throw e;
    }
    java.util.List<Runnable> committed = onCommit.get();
    onCommit.remove();
    if (committed != null) {
      for (Runnable action : committed) {
        try {
          action.run();
        } catch (RuntimeException e) {
          // The transaction is durable: failing here would make its caller redo a committed change.
          LOG.warn("an after-commit step failed: {}", e.toString());
        }
      }
    }
    return result;
  }

  @Override
  public void afterCommit(Runnable action) {
    if (bound.get() == null) {
      action.run();
      return;
    }
    java.util.List<Runnable> actions = onCommit.get();
    if (actions == null) {
      actions = new java.util.ArrayList<>();
      onCommit.set(actions);
    }
    actions.add(action);
  }

  /** Is a transaction bound to the calling thread? */
  public boolean active() {
    return bound.get() != null;
  }

  /** SQLite: every write transaction holds the one writer lock of this process. */
  @Override
  public boolean writersSerialized() {
    return writer != null;
  }

  /** Runs a write: joins the thread's transaction (in a savepoint) or runs as its own transaction. */
  <T> T write(String what, SqlWork<T> work) {
    Connection joined = bound.get();
    if (joined != null) {
      requireOpen(what);
    }
    return joined != null ? inSavepoint(joined, what, work) : outermost(what, work);
  }

  /**
   * Runs a write of exactly one modifying statement, which must be the last thing {@code work}
   * does (whatever fails after it leaves its rows in place). On SQLite a statement that fails on
   * its own terms (a constraint, a bad value) is undone whole and the transaction goes on, so a
   * joined one needs no savepoint (two statements fewer on the group-commit writer); failures that
   * end the whole transaction (I/O, a full disk) end it with or without one. On PostgreSQL any
   * failure aborts the transaction, so this is {@link #write}.
   */
  <T> T writeOne(String what, SqlWork<T> work) {
    Connection joined = bound.get();
    if (joined == null || !atomicStatements) {
      return write(what, work);
    }
    requireOpen(what);
    try {
      return work.run(joined);
    } catch (SQLException e) {
      checkStillOpen(joined);
      throw failure(what, e);
    }
  }

  /** Runs a read: on the thread's transaction, or on a pooled connection in auto-commit mode. */
  <T> T read(String what, SqlWork<T> work) {
    Connection joined = bound.get();
    if (joined != null) {
      requireOpen(what);
    }
    try {
      if (joined != null) {
        try {
          return work.run(joined);
        } catch (SQLException e) {
          checkStillOpen(joined);
          throw e;
        }
      }
      try (Connection c = pool.getConnection()) {
        return work.run(c);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> T outermost(String what, SqlWork<T> work) {
    if (writer == null) {
      try (Connection c = pool.getConnection()) {
        return commitOrRollback(c, work);
      } catch (SQLException e) {
        throw failure(what, e);
      }
    }
    lockWriter(what);
    try {
      if (writerConnection == null) {
        writerConnection = pool.getConnection();
      }
      return commitOrRollback(writerConnection, work);
    } catch (SQLException e) {
      releaseWriterConnection();
      throw failure(what, e);
    } finally {
      writer.unlock();
    }
  }

  private void releaseWriterConnection() {
    Connection c = writerConnection;
    writerConnection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the pool discards a broken connection
      }
    }
  }

  /** Returns the writer connection to the pool (before the pool closes). */
  void close() {
    if (writer == null) {
      return;
    }
    lockWriter("closing the store");
    try {
      releaseWriterConnection();
    } finally {
      writer.unlock();
    }
  }

  private static <T> T commitOrRollback(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    boolean committed = false;
    try {
      T result = work.run(c);
      c.commit();
      committed = true;
      return result;
    } finally {
      if (!committed) {
        rollbackQuietly(c);
      }
      // sqlite-jdbc begins the next transaction eagerly after commit/rollback; this ends it.
      c.setAutoCommit(true);
    }
  }

  private <T> T inSavepoint(Connection c, String what, SqlWork<T> work) {
    requireOpen(what);
    Savepoint savepoint;
    try {
      savepoint = cachedSavepoints ? null : c.setSavepoint();
      if (cachedSavepoints) {
        execute(c, "SAVEPOINT " + NESTED);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
    boolean done = false;
    try {
      T result = work.run(c);
      if (cachedSavepoints) {
        execute(c, "RELEASE " + NESTED);
      } else {
        c.releaseSavepoint(savepoint);
      }
      done = true;
      return result;
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      if (!done) {
        try {
          if (cachedSavepoints) {
            execute(c, "ROLLBACK TO " + NESTED);
            execute(c, "RELEASE " + NESTED);
          } else {
            c.rollback(savepoint);
          }
        } catch (SQLException gone) {
          // the savepoint is gone with the whole transaction (or the connection is broken)
          checkStillOpen(c);
          ended.set(Boolean.TRUE);
        }
      }
    }
  }

  /**
   * SQLite: nested savepoints all share one name, so their three statements are prepared once per
   * connection ({@link StatementCache}) instead of per savepoint as JDBC's unique names require.
   * SQLite resolves a name to the innermost savepoint that has it; {@code ROLLBACK TO} keeps the
   * savepoint open, so a rollback is followed by a {@code RELEASE} that pops it.
   */
  private static final String NESTED = "rekey_nested";

  private static void execute(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.executeUpdate();
    }
  }

  /** Refuses {@code what} on the bound transaction once it has ended under its caller ({@link #ended}). */
  private void requireOpen(String what) {
    if (ended.get() != null) {
      throw new RekeyException(ErrorCode.INTERNAL, "storage failure while " + what
          + ": an earlier storage failure ended the transaction; nothing of it is stored");
    }
  }

  /**
   * SQLite, after a statement on the bound connection failed: has SQLite ended the transaction?
   * {@code BEGIN} fails inside a transaction. Where it succeeds there was none: the transaction is
   * marked {@link #ended}, and the empty one just begun stays open, so that the connection is in a
   * transaction again as the driver expects and the caller's rollback ends it normally.
   */
  private void checkStillOpen(Connection c) {
    if (!atomicStatements) {
      return;
    }
    try {
      execute(c, "BEGIN");
    } catch (SQLException stillOpen) {
      return;
    }
    ended.set(Boolean.TRUE);
  }

  private void lockWriter(String what) {
    if (writer == null) {
      return;
    }
    try {
      if (!writer.tryLock(WRITER_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new RekeyException(ErrorCode.INTERNAL, "storage busy: no write slot within "
            + WRITER_WAIT_SECONDS + " s while " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RekeyException(ErrorCode.INTERNAL, "interrupted while waiting to write (" + what + ")");
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // nothing was committed; a broken connection is discarded by the pool
    }
  }

  /** A storage failure: the message names the operation and SQL state, never values. */
  static RekeyException failure(String what, SQLException e) {
    if (e.getSQLState() != null && CONFLICT_STATES.contains(e.getSQLState())) { // SQLite sets no SQL state
      // PostgreSQL broke a deadlock or a serialization conflict with a concurrent transaction (say
      // another node's group commit writing the same secrets in the other order) by failing this
      // one: nothing of it is stored, and doing it again is what the caller should do.
      return RekeyException.concurrentModification("a concurrent write on another connection conflicted while "
          + what + " (SQL state " + e.getSQLState() + "); nothing was stored, retry");
    }
    return new RekeyException(ErrorCode.INTERNAL,
        "storage failure while " + what + " (SQL state " + e.getSQLState() + ", code " + e.getErrorCode() + ")", e);
  }
}
