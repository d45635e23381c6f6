package dev.rekey.store;

import java.nio.file.Path;

class SqliteAuditTest extends AuditContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
