package dev.rekey.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the storage contract tests: a fresh database and an open store per test. */
abstract class StoreContract {
  @TempDir
  Path tempDir;
  protected StoreConfig config;
  protected Store store;
  private final List<Store> opened = new ArrayList<>();

  /** A configuration for a new, empty database. */
  protected abstract StoreConfig newDatabase(Path tempDir);

  @BeforeEach
  void openStore() {
    config = newDatabase(tempDir);
    store = open(config);
  }

  /** Opens another store (another "node") and closes it after the test. */
  protected Store open(StoreConfig c) {
    Store s = Store.open(c);
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeStores() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }
}
