package dev.rekey.store;

import java.nio.file.Path;

class PostgresRewrapCampaignTest extends RewrapCampaignContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
