package dev.rekey.store;

import java.nio.file.Path;

class SqliteAuditedWritesTest extends AuditedWritesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
