package dev.rekey.store;

import java.nio.file.Path;

class PostgresSecretRotationRepositoryTest extends SecretRotationRepositoryContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
