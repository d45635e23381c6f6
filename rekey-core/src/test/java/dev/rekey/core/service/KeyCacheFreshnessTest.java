package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.KeyType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link KeyCache#isFresh}: says whether a request could be served from memory, never reads the store. */
class KeyCacheFreshnessTest {
  private final Services s = new Services();

  @Test
  void aKeyIsFreshOnceLoaded_onAnotherNodeOnlyAfterItsFirstUse() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Services other = s.otherNode(Duration.ofMinutes(10));

    assertThat(other.cache.isFresh(NS, "orders")).as("not loaded on this node yet").isFalse();
    other.crypto.encrypt(NS, "orders", new byte[16], null);
    assertThat(other.cache.isFresh(NS, "orders")).isTrue();
    assertThat(other.cache.isFresh(NS, "no-such-key")).isFalse();
    assertThat(other.cache.isFresh(NS, null)).isFalse();
  }

  @Test
  void withoutATimeToLive_nothingIsEverFresh_soEveryRequestGoesWhereItMayRead() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Services uncached = s.otherNode(Duration.ZERO);
    uncached.crypto.encrypt(NS, "orders", new byte[16], null);

    assertThat(uncached.cache.isFresh(NS, "orders")).isFalse();
  }

  @Test
  void anEntryStopsBeingFreshBeforeItExpires_byAQuarterOfItsLife_atMost100ms() {
    assertThat(CachedByName.freshMargin(Duration.ofSeconds(1).toNanos())).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(CachedByName.freshMargin(Duration.ofMillis(200).toNanos())).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(CachedByName.freshMargin(0)).isZero();
  }

  @Test
  void loadIfStale_loadsAMissingKey_andLeavesAnUnknownOneToTheRequest() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Services other = s.otherNode(Duration.ofMinutes(10));

    other.cache.loadIfStale(NS, "orders");
    other.cache.loadIfStale(NS, "no-such-key");
    other.cache.loadIfStale(NS, null);

    assertThat(other.cache.isFresh(NS, "orders")).isTrue();
    assertThat(other.cache.isFresh(NS, "no-such-key")).isFalse();
  }

  @Test
  void onAThreadThatMustNotWait_aReloadIsRefusedWithNeedsStore_andReadsNothing() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    Services other = s.otherNode(Duration.ofMinutes(10));
    other.crypto.encrypt(NS, "orders", new byte[16], null);
    s.keys.rotate(NS, "orders", true);
    String fromTheOtherNode = s.crypto.encrypt(NS, "orders", "new".getBytes(), null).text();
    ThreadLocal<Boolean> loop = ThreadLocal.withInitial(() -> false);
    dev.rekey.core.service.StoreReadGuard guard = new dev.rekey.core.service.StoreReadGuard();
    guard.refuseWhen(loop::get);
    other.cache.guardStoreReads(guard);

    loop.set(true);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.crypto.decrypt(NS, "orders", fromTheOtherNode,
        null)).as("version 2 is unknown to this node's copy").isInstanceOf(NeedsStore.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.cache.get(NS, "not-cached"))
        .isInstanceOf(NeedsStore.class);
    assertThat(other.cache.get(NS, "orders").key().latestVersion()).as("nothing was reloaded").isEqualTo(1);

    loop.set(false);
    assertThat(other.crypto.decrypt(NS, "orders", fromTheOtherNode, null).plaintext()).isEqualTo("new".getBytes());
  }
}
