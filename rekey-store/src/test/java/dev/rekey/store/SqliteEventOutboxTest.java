package dev.rekey.store;

import java.nio.file.Path;

class SqliteEventOutboxTest extends EventOutboxContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
