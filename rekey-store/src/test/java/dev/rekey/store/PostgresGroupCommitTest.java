package dev.rekey.store;

import java.nio.file.Path;

class PostgresGroupCommitTest extends GroupCommitContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
