package dev.rekey.store;

import java.nio.file.Path;

class PostgresWebhookStoreTest extends WebhookStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }
}
