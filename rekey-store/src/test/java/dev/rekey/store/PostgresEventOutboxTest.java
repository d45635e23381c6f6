package dev.rekey.store;

import java.nio.file.Path;

class PostgresEventOutboxTest extends EventOutboxContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
