package dev.rekey.store;

import java.nio.file.Path;

class SqliteRootRotationRaceTest extends RootRotationRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
