package dev.rekey.store;

import java.nio.file.Path;

class PostgresAuditedWritesTest extends AuditedWritesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
