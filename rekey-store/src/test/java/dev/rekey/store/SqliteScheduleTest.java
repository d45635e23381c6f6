package dev.rekey.store;

import java.nio.file.Path;

class SqliteScheduleTest extends ScheduleContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
