package dev.rekey.store;

import java.nio.file.Path;

class PostgresKeyRepositoryTest extends KeyRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
