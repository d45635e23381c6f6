package dev.rekey.store;

import java.nio.file.Path;

class PostgresAuditTest extends AuditContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
