package dev.rekey.store;

import java.nio.file.Path;

class SqliteKeyRepositoryTest extends KeyRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
