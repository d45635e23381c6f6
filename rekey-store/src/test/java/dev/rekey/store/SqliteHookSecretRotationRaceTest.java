package dev.rekey.store;

import java.nio.file.Path;

class SqliteHookSecretRotationRaceTest extends HookSecretRotationRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
