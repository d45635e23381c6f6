package dev.rekey.store;

import java.nio.file.Path;

class SqliteConsumerStoreTest extends ConsumerStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
