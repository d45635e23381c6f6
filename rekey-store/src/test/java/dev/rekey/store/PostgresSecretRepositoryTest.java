package dev.rekey.store;

import java.nio.file.Path;

class PostgresSecretRepositoryTest extends SecretRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
