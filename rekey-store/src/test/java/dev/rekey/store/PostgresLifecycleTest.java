package dev.rekey.store;

import java.nio.file.Path;

class PostgresLifecycleTest extends LifecycleContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
