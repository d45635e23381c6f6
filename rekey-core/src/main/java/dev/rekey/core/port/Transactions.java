package dev.rekey.core.port;

import java.util.function.Supplier;

/**
 * Runs work in one database transaction. Repository calls made by {@code work} on the same thread
 * join it; it commits when {@code work} returns and rolls back when it throws. Nested calls join
 * the outer transaction.
 */
public interface Transactions {
  <T> T inTransaction(Supplier<T> work);

  /** Is a transaction open on the calling thread (so a change made now may still roll back)? */
  default boolean active() {
    return false;
  }

  /**
   * Runs {@code action} once the calling thread's transaction has committed, or at once when none
   * is open; never when it rolls back. It may also run when only a nested part of the transaction
   * rolled back, so use it for effects that are harmless to repeat, such as dropping cache entries.
   * An action that fails is logged; it fails neither the committed transaction nor the other actions.
   */
  default void afterCommit(Runnable action) {
    action.run();
  }

  /**
   * Do write transactions run one at a time, and only in this process (SQLite: one writer lock,
   * one node)? Then what a write transaction reads cannot change before it commits, and no other
   * write commits between its statements. False where several connections or nodes write at once
   * (PostgreSQL), and for {@link #direct()}.
   */
  default boolean writersSerialized() {
    return false;
  }

  default void run(Runnable work) {
    inTransaction(() -> {
      work.run();
      return null;
    });
  }

  /**
   * Runs work directly, without a transaction: for in-memory repositories in tests and
   * benchmarks, which cannot roll back.
   */
  static Transactions direct() {
    return new Transactions() {
      @Override
      public <T> T inTransaction(Supplier<T> work) {
        return work.get();
      }
    };
  }
}
