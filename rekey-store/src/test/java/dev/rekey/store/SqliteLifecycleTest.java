package dev.rekey.store;

import java.nio.file.Path;

class SqliteLifecycleTest extends LifecycleContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
