package dev.rekey.store;

import java.nio.file.Path;

class PostgresTransactionsTest extends TransactionsContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
