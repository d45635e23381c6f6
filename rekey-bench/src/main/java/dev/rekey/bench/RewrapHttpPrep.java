package dev.rekey.bench;

import dev.rekey.core.key.KeyType;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Prepares a dev server's data directory for scripts/bench-rewrap-http.sh: the root of trust of
 * {@code rekey server --dev} (root.key and rekey.db in the directory), a key {@code tenants} and N
 * stored DEKs wrapped by its version 1. Loading a million DEKs through HTTP would take minutes.
 *
 * <pre>java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.RewrapHttpPrep DATA_DIR [count]</pre>
 */
public final class RewrapHttpPrep {
  private RewrapHttpPrep() {}

  public static void main(String[] args) throws Exception {
    Path data = Files.createDirectories(Path.of(args[0]));
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    String url = "jdbc:sqlite:" + data.resolve("rekey.db");
    Clock clock = Clock.systemUTC();
    try (Store store = Store.open(StoreConfig.of(url, null, null))) {
      RootOfTrust root = RootOfTrust.dev(store.system(), data.resolve("root.key"), clock);
      KeyCache cache = new KeyCache(store.keys(), root::keyring, Duration.ofMinutes(10));
      new KeyService(store.keys(), store.transactions(), store.events(), root::keyring, cache, clock,
          Duration.ofDays(1)).create("default", "tenants", KeyType.AES256_GCM, Map.of());
      long start = System.nanoTime();
      RewrapCampaignBench.load(cache, url, null, count);
      System.out.printf(Locale.ROOT, "prepared %s: key tenants and %,d DEKs in %.1f s%n", data, count,
          (System.nanoTime() - start) / 1e9);
    }
  }
}
