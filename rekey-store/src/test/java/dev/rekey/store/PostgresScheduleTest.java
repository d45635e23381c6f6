package dev.rekey.store;

import java.nio.file.Path;

class PostgresScheduleTest extends ScheduleContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
