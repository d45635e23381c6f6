package dev.rekey.store;

import java.nio.file.Path;

class SqliteSecretRepositoryTest extends SecretRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
