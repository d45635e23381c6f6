package dev.rekey.store;

import java.nio.file.Path;

class PostgresTokenAndSystemTest extends TokenAndSystemContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
