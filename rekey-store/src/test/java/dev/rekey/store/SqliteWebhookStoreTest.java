package dev.rekey.store;

import java.nio.file.Path;

class SqliteWebhookStoreTest extends WebhookStoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }
}
