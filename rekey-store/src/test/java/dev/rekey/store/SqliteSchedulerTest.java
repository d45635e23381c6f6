package dev.rekey.store;

import java.nio.file.Path;

class SqliteSchedulerTest extends SchedulerContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
