package dev.rekey.store;

import java.nio.file.Path;

class PostgresCampaignVersionRaceTest extends CampaignVersionRaceContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
