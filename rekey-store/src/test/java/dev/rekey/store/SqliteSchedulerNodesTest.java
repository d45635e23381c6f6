package dev.rekey.store;

import java.nio.file.Path;

class SqliteSchedulerNodesTest extends SchedulerNodesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
