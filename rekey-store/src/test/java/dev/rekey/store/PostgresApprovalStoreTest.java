package dev.rekey.store;

import java.nio.file.Path;

class PostgresApprovalStoreTest extends ApprovalStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
