package dev.rekey.store;

import java.nio.file.Path;

class PostgresAuditLogOnStoreTest extends AuditLogOnStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
