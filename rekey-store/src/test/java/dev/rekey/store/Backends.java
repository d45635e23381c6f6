package dev.rekey.store;

import dev.rekey.store.testing.EmbeddedPostgres;
import java.nio.file.Path;

/** The two databases every contract test runs on. */
final class Backends {
  private Backends() {}

  static StoreConfig sqlite(Path dir) {
    return StoreConfig.sqlite(dir.resolve("data").resolve("rekey.db"));
  }

  static StoreConfig postgres() {
    return EmbeddedPostgres.shared().freshDatabase();
  }
}
