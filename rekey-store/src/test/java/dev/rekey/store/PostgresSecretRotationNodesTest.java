package dev.rekey.store;

import java.nio.file.Path;

class PostgresSecretRotationNodesTest extends SecretRotationNodesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
