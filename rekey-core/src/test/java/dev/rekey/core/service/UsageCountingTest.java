package dev.rekey.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.InMemoryUsageRepository;
import dev.rekey.core.testing.MutableClock;
import dev.rekey.core.usage.Operation;
import dev.rekey.core.usage.UsageCount;
import dev.rekey.core.usage.UsageCounter;
import dev.rekey.core.usage.UsageTracker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The crypto and signing services count each operation against the version it used. */
class UsageCountingTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String NS = "default";
  private static final byte[] DATA = "attack at dawn".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(T0);
  private final RootKeyring ring = RootKeyring.generate(T0);
  private final InMemoryKeyRepository repo = new InMemoryKeyRepository();
  private final UsageCounter counter = new UsageCounter(clock);
  private final UsageTracker tracker = new UsageTracker(counter, new InMemoryUsageRepository());
  private final KeyCache cache = new KeyCache(repo, () -> ring, Duration.ofMinutes(10), counter);
  private final KeyService keys = new KeyService(repo, Transactions.direct(), new InMemoryEventOutbox(), () -> ring,
      cache, clock, Duration.ofDays(7));
  private final CryptoService crypto = new CryptoService(cache);
  private final SigningService signing = new SigningService(cache, clock, SigningService.DEFAULT_JWKS_OVERLAP);

  private long count(String key, int version, Operation op) {
    return tracker.forKey(NS, key).stream().filter(c -> c.version() == version && c.operation() == op)
        .mapToLong(UsageCount::count).sum();
  }

  @Test
  void encryptRotateDecrypt_countsPerVersion() {
    keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    String v1a = crypto.encrypt(NS, "orders", DATA, null).text();
    String v1b = crypto.encrypt(NS, "orders", DATA, null).text();
    keys.rotate(NS, "orders", true);
    crypto.encrypt(NS, "orders", DATA, null);
    crypto.decrypt(NS, "orders", v1a, null);
    crypto.rewrap(NS, "orders", v1b, null);
    crypto.dataKey(NS, "orders", null, true);

    assertThat(count("orders", 1, Operation.ENCRYPT)).isEqualTo(2);
    assertThat(count("orders", 2, Operation.ENCRYPT)).isEqualTo(1);
    assertThat(count("orders", 1, Operation.DECRYPT)).isEqualTo(1);
    assertThat(count("orders", 1, Operation.REWRAP)).isEqualTo(1);
    assertThat(count("orders", 2, Operation.REWRAP)).isZero();
    assertThat(count("orders", 2, Operation.DATAKEY)).isEqualTo(1);
    assertThat(tracker.lastUsedAt(NS, "orders", 1)).contains(T0);
  }

  @Test
  void failedDecrypt_isNotCounted() {
    keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    String ct = crypto.encrypt(NS, "orders", DATA, null).text();
    assertThatThrownBy(() -> crypto.decrypt(NS, "orders", ct, "other".getBytes(StandardCharsets.UTF_8)));
    assertThat(count("orders", 1, Operation.DECRYPT)).isZero();
  }

  @Test
  void macAndSignatures_counted() {
    keys.create(NS, "tags", KeyType.HMAC_SHA256, Map.of());
    String mac = crypto.mac(NS, "tags", DATA).text();
    assertThat(crypto.verifyMac(NS, "tags", DATA, mac)).isTrue();
    assertThat(crypto.verifyMac(NS, "tags", "forged".getBytes(StandardCharsets.UTF_8), mac)).isFalse();
    assertThat(count("tags", 1, Operation.MAC)).isEqualTo(1);
    assertThat(count("tags", 1, Operation.MAC_VERIFY)).isEqualTo(2);

    keys.create(NS, "signer", KeyType.ED25519, Map.of());
    String sig = signing.sign(NS, "signer", DATA, false).text();
    keys.rotate(NS, "signer", true);
    signing.sign(NS, "signer", DATA, false);
    assertThat(signing.verify(NS, "signer", DATA, false, sig).valid()).isTrue();
    assertThat(count("signer", 1, Operation.SIGN)).isEqualTo(1);
    assertThat(count("signer", 2, Operation.SIGN)).isEqualTo(1);
    assertThat(count("signer", 1, Operation.VERIFY)).isEqualTo(1);
  }

  @Test
  void countersSurviveCacheReload() {
    KeyCache shortLived = new KeyCache(repo, () -> ring, Duration.ZERO, counter);
    CryptoService c = new CryptoService(shortLived);
    keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    for (int i = 0; i < 3; i++) {
      c.encrypt(NS, "orders", DATA, null);
    }
    crypto.encrypt(NS, "orders", DATA, null);
    assertThat(count("orders", 1, Operation.ENCRYPT)).isEqualTo(4);
  }
}
