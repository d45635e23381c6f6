package dev.rekey.store;

import java.nio.file.Path;

class SqliteGroupCommitTest extends GroupCommitContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
