package dev.rekey.store;

import java.nio.file.Path;

class SqliteTransactionsTest extends TransactionsContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
