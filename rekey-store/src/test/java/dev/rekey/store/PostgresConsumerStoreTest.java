package dev.rekey.store;

import java.nio.file.Path;

class PostgresConsumerStoreTest extends ConsumerStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
