package dev.rekey.store;

import java.nio.file.Path;

class SqliteDekStoreTest extends DekStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
