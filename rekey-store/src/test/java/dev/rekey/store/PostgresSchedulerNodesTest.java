package dev.rekey.store;

import java.nio.file.Path;

class PostgresSchedulerNodesTest extends SchedulerNodesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
