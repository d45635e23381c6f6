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
