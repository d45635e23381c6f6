package dev.rekey.store;

import java.nio.file.Path;

class SqliteTokenAndSystemTest extends TokenAndSystemContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
