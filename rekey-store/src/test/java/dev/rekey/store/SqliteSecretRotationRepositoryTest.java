package dev.rekey.store;

import java.nio.file.Path;

class SqliteSecretRotationRepositoryTest extends SecretRotationRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
