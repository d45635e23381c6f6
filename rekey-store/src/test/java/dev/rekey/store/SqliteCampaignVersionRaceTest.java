package dev.rekey.store;

import java.nio.file.Path;

class SqliteCampaignVersionRaceTest extends CampaignVersionRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
