package dev.rekey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DataKeyCacheTest {
  private final EnvelopeEncryptorTest.MutableClock clock = new EnvelopeEncryptorTest.MutableClock();

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void adoptForEncryption_evictedByNewerEntry_zeroesEvictedKey() {
    DataKeyCache cache = new DataKeyCache(1, 10, Duration.ofMinutes(5), clock);
    byte[] first = key(7);

    cache.adoptForEncryption("a", first, "w1");
    cache.adoptForEncryption("b", key(8), "w2");

    assertThat(first).containsOnly(0);
    assertThat(cache.leaseForEncryption("a")).isNull();
  }

  @Test
  void leaseForEncryption_budgetSpent_zeroesKey() {
    DataKeyCache cache = new DataKeyCache(5, 2, Duration.ofMinutes(5), clock);
    byte[] key = key(7);

    cache.adoptForEncryption("a", key, "w1");
    DataKeyCache.Lease lease = cache.leaseForEncryption("a");

    assertThat(lease.wrappedKey).isEqualTo("w1");
    assertThat(lease.key.getEncoded()).containsOnly(7);
    assertThat(key).containsOnly(0);
    assertThat(cache.leaseForEncryption("a")).isNull();
  }

  @Test
  void forDecryption_expired_zeroesKey() {
    DataKeyCache cache = new DataKeyCache(5, 2, Duration.ofMinutes(5), clock);
    byte[] key = key(7);
    cache.adoptForDecryption("w1", "", key);

    clock.advance(Duration.ofMinutes(5));

    assertThat(cache.forDecryption("w1", "")).isNull();
    assertThat(key).containsOnly(0);
  }

  @Test
  void clear_zeroesEveryKey() {
    DataKeyCache cache = new DataKeyCache(5, 10, Duration.ofMinutes(5), clock);
    byte[] enc = key(1);
    byte[] dec = key(2);
    cache.adoptForEncryption("a", enc, "w1");
    cache.adoptForDecryption("w2", "", dec);

    cache.clear();

    assertThat(enc).containsOnly(0);
    assertThat(dec).containsOnly(0);
    assertThat(cache.size()).isZero();
  }

  @Test
  void adopt_cachingOff_zeroesKeyButLeaseStillWorks() {
    DataKeyCache cache = new DataKeyCache(0, 10, Duration.ofMinutes(5), clock);
    byte[] key = key(3);

    DataKeyCache.Lease lease = cache.adoptForEncryption("a", key, "w");

    assertThat(key).containsOnly(0);
    assertThat(lease.key.getEncoded()).containsOnly(3);
  }
}
