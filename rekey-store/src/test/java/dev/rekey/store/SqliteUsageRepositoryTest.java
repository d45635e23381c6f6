package dev.rekey.store;

import java.nio.file.Path;

class SqliteUsageRepositoryTest extends UsageRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
