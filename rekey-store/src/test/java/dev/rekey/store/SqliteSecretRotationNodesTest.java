package dev.rekey.store;

import java.nio.file.Path;

class SqliteSecretRotationNodesTest extends SecretRotationNodesContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
