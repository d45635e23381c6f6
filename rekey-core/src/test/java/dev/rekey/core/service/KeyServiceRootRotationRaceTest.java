package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A root key rotation stores a new generation while a key write is between wrapping its new
 * material and storing it. Stored under the old generation, the version could be missed by the
 * rotation's re-wrap and become unreadable once the old generation is dropped: the write must
 * wrap it again under the current generation.
 */
class KeyServiceRootRotationRaceTest {
  private final MutableClock clock = new MutableClock(Services.T0);
  private final RootKeyring before = RootKeyring.generate(Services.T0);
  private final RootKeyring after = before.withNewGeneration(Services.T0.plusSeconds(1));
  private final InMemoryKeyRepository repo = new InMemoryKeyRepository();

  /** The keyring before the rotation for the first {@code wraps} calls, then the rotated one. */
  private KeyService serviceRotatingRootAfter(int calls) {
    AtomicInteger n = new AtomicInteger();
    Supplier<RootKeyring> keyring = () -> n.getAndIncrement() < calls ? before : after;
    KeyCache cache = new KeyCache(repo, () -> after, Duration.ofMinutes(10));
    return new KeyService(repo, dev.rekey.core.port.Transactions.direct(), new InMemoryEventOutbox(), keyring, cache,
        clock, Services.MIN_DESTROY_WAIT, StoredDekVersions.NONE);
  }

  @Test
  void create_wrappedJustBeforeARootRotation_isStoredUnderTheNewGeneration() {
    Key key = serviceRotatingRootAfter(1).create(NS, "orders", KeyType.AES256_GCM, Map.of());
    assertThat(key.requireVersion(1).material().rootKeyId()).isEqualTo(after.currentId());
    assertThat(repo.find(NS, "orders").orElseThrow().requireVersion(1).material().rootKeyId())
        .isEqualTo(after.currentId());
  }

  @Test
  void rotate_wrappedJustBeforeARootRotation_isStoredUnderTheNewGeneration() {
    KeyService keys = serviceRotatingRootAfter(Integer.MAX_VALUE);
    keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    KeyService rotating = serviceRotatingRootAfter(1);
    Key rotated = rotating.rotate(NS, "orders", true);
    assertThat(rotated.requireVersion(2).material().rootKeyId()).isEqualTo(after.currentId());
    assertThat(repo.find(NS, "orders").orElseThrow().requireVersion(2).material().rootKeyId())
        .isEqualTo(after.currentId());
    // the versions it did not add stay as they were: the rotation's own re-wrap moves them
    assertThat(rotated.requireVersion(1).material().rootKeyId()).isEqualTo(before.currentId());
  }

  /** A root that rotates again at every look: the new material is never under the current generation. */
  private KeyService serviceWhoseRootKeepsRotating() {
    java.util.concurrent.atomic.AtomicReference<RootKeyring> ring = new java.util.concurrent.atomic.AtomicReference<>(after);
    AtomicInteger n = new AtomicInteger();
    Supplier<RootKeyring> keyring = () -> ring.getAndUpdate(r -> r.withNewGeneration(Services.T0.plusSeconds(2 + n.incrementAndGet())));
    KeyCache cache = new KeyCache(repo, ring::get, Duration.ofMinutes(10));
    return new KeyService(repo, dev.rekey.core.port.Transactions.direct(), new InMemoryEventOutbox(), keyring, cache,
        clock, Services.MIN_DESTROY_WAIT, StoredDekVersions.NONE);
  }

  @Test
  void create_whileTheRootKeepsRotating_storesNothingUnderASupersededGeneration() {
    KeyService keys = serviceWhoseRootKeepsRotating();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create(NS, "orders", KeyType.AES256_GCM, Map.of()))
        .isInstanceOfSatisfying(dev.rekey.core.RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(dev.rekey.api.ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(repo.find(NS, "orders")).as("no version under a generation the rotation may miss").isEmpty();
  }

  @Test
  void rotate_whileTheRootKeepsRotating_storesNothingUnderASupersededGeneration() {
    serviceRotatingRootAfter(Integer.MAX_VALUE).create(NS, "orders", KeyType.AES256_GCM, Map.of());
    KeyService keys = serviceWhoseRootKeepsRotating();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.rotate(NS, "orders", true))
        .isInstanceOfSatisfying(dev.rekey.core.RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(dev.rekey.api.ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(repo.find(NS, "orders").orElseThrow().latestVersion()).as("version 2 not stored").isEqualTo(1);
  }

  /**
   * The check inside the write's transaction (the root of trust's) finds the generation dropped
   * after the service's own check passed: the write is redone under the generation it now has.
   */
  @Test
  void createAndRotate_generationDroppedBeforeTheirTransaction_areWrappedAgain() {
    java.util.concurrent.atomic.AtomicReference<RootKeyring> ring = new java.util.concurrent.atomic.AtomicReference<>(before);
    KeyService keys = new KeyService(repo, dev.rekey.core.port.Transactions.direct(), new InMemoryEventOutbox(),
        ring::get, new KeyCache(repo, ring::get, Duration.ZERO), clock, Services.MIN_DESTROY_WAIT,
        StoredDekVersions.NONE);
    AtomicInteger refusals = new AtomicInteger();
    keys.guardRootGenerations(id -> {
      if (!id.equals(after.currentId())) {
        refusals.incrementAndGet();
        ring.set(after); // as RootOfTrust.requireLive takes over the stored keyring
        throw dev.rekey.core.RekeyException.concurrentModification("generation gone; retry");
      }
    });

    Key created = keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    ring.set(before);
    Key rotated = keys.rotate(NS, "orders", true);

    assertThat(refusals).hasValue(2);
    assertThat(created.requireVersion(1).material().rootKeyId()).isEqualTo(after.currentId());
    assertThat(repo.find(NS, "orders").orElseThrow().requireVersion(2).material().rootKeyId())
        .isEqualTo(after.currentId());
    assertThat(rotated.latestVersion()).isEqualTo(2);
  }

  @Test
  void create_generationRefusedEveryTime_isAConflictAndStoresNothing() {
    KeyService keys = serviceRotatingRootAfter(0);
    keys.guardRootGenerations(id -> {
      throw dev.rekey.core.RekeyException.concurrentModification("generation gone; retry");
    });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create(NS, "orders", KeyType.AES256_GCM, Map.of()))
        .isInstanceOfSatisfying(dev.rekey.core.RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(dev.rekey.api.ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(repo.find(NS, "orders")).isEmpty();
  }
}
