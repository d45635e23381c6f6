package dev.rekey.store;

import java.nio.file.Path;

class SqliteRewrapCampaignTest extends RewrapCampaignContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
