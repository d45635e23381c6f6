package dev.rekey.store;

import java.nio.file.Path;

class PostgresDekStoreTest extends DekStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
