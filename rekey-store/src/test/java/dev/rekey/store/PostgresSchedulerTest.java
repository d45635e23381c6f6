package dev.rekey.store;

import java.nio.file.Path;

class PostgresSchedulerTest extends SchedulerContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
