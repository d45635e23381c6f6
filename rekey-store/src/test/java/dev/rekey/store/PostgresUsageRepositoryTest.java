package dev.rekey.store;

import java.nio.file.Path;

class PostgresUsageRepositoryTest extends UsageRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
