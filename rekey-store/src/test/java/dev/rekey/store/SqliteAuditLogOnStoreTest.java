package dev.rekey.store;

import java.nio.file.Path;

class SqliteAuditLogOnStoreTest extends AuditLogOnStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
