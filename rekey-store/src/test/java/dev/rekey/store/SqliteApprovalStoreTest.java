package dev.rekey.store;

import java.nio.file.Path;

class SqliteApprovalStoreTest extends ApprovalStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
