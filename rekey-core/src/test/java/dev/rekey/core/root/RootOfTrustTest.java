package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.testing.InMemorySystemRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootOfTrustTest {
  static final Clock CLOCK = Clock.fixed(RootTestKeys.NOW, ZoneOffset.UTC);
  @TempDir Path dir;
  final InMemorySystemRepository system = new InMemorySystemRepository();

  RootOfTrust fileRoot() {
    return new RootOfTrust(system, FileSeal.open(dir.resolve("seal.key")), CLOCK);
  }

  RootOfTrust shamirRoot() {
    return new RootOfTrust(system, new ShamirSeal(), CLOCK);
  }

  static ErrorCode code(Throwable t) {
    return ((RekeyException) t).code();
  }

  @Test
  void status_fresh_isUninitializedAndSealed() {
    assertThat(fileRoot().status()).isEqualTo(new RootStatus(false, true, "file", 0, 0, 0, false));
    assertThatThrownBy(() -> fileRoot().keyring()).matches(e -> code(e) == ErrorCode.NOT_INITIALIZED);
    assertThatThrownBy(() -> fileRoot().autoUnseal()).matches(e -> code(e) == ErrorCode.NOT_INITIALIZED);
    assertThatThrownBy(() -> fileRoot().seal()).matches(e -> code(e) == ErrorCode.NOT_INITIALIZED);
  }

  @Test
  void init_fileSeal_isUnsealedAndStoresOnlySealedData() {
    RootOfTrust root = fileRoot();
    assertThat(root.init()).isEmpty();
    assertThat(root.status()).isEqualTo(new RootStatus(true, false, "file", 0, 0, 0, false));
    assertThat(root.keyring().generationIds()).hasSize(1);
    assertThat(system.names()).containsExactlyInAnyOrder(RootOfTrust.KEYRING_NAME, RootOfTrust.SEAL_CONFIG_NAME);
    assertThat(new String(system.get(RootOfTrust.SEAL_CONFIG_NAME).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("type=file\nshares=0\nthreshold=0\n");
    String stored = new String(system.get(RootOfTrust.KEYRING_NAME).orElseThrow(), StandardCharsets.ISO_8859_1);
    assertThat(stored).doesNotContain(root.keyring().currentId());
  }

  @Test
  void init_twice_isAlreadyInitialized() {
    fileRoot().init();
    assertThatThrownBy(() -> fileRoot().init()).matches(e -> code(e) == ErrorCode.ALREADY_INITIALIZED);
  }

  @Test
  void init_concurrentlyOnTwoNodes_exactlyOneWins() throws Exception {
    RootOfTrust a = fileRoot();
    RootOfTrust b = fileRoot();
    AtomicInteger wins = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        RootOfTrust root = i % 2 == 0 ? a : b;
        futures.add(pool.submit(() -> {
          try {
            root.init();
            wins.incrementAndGet();
          } catch (RekeyException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_INITIALIZED);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(wins).hasValue(1);
    a.autoUnseal();
    b.autoUnseal();
    assertThat(a.keyring().currentId()).isEqualTo(b.keyring().currentId());
  }

  @Test
  void init_wrongArgumentsForSeal_isInvalid() {
    assertThatThrownBy(() -> fileRoot().init(3, 2)).hasMessageContaining("only to the shamir seal");
    assertThatThrownBy(() -> shamirRoot().init()).hasMessageContaining("needs the number of shares");
    assertThatThrownBy(() -> shamirRoot().init(2, 3)).matches(e -> code(e) == ErrorCode.INVALID_REQUEST);
    assertThat(system.names()).isEmpty();
  }

  @Test
  void seal_thenAutoUnseal_restoresTheSameKeyring() {
    RootOfTrust root = fileRoot();
    root.init();
    String id = root.keyring().currentId();
    root.seal();
    assertThat(root.status().sealed()).isTrue();
    assertThatThrownBy(root::keyring).matches(e -> code(e) == ErrorCode.SEALED);
    root.autoUnseal();
    assertThat(root.keyring().currentId()).isEqualTo(id);
  }

  @Test
  void newInstance_afterRestart_startsSealedAndAutoUnseals() {
    RootOfTrust first = fileRoot();
    first.init();
    RootOfTrust restarted = fileRoot();
    assertThat(restarted.status()).isEqualTo(new RootStatus(true, true, "file", 0, 0, 0, false));
    restarted.autoUnseal();
    assertThat(restarted.keyring().currentId()).isEqualTo(first.keyring().currentId());
  }

  @Test
  void dev_initializesOnceAndUnseals() {
    Path key = dir.resolve("dev/seal.key");
    RootOfTrust first = RootOfTrust.dev(system, key, CLOCK);
    RootOfTrust second = RootOfTrust.dev(system, key, CLOCK);
    assertThat(second.keyring().currentId()).isEqualTo(first.keyring().currentId());
  }

  @Test
  void shamir_init_staysSealedUntilThresholdOfShares() {
    List<String> shares = shamirRoot().init(5, 3);
    assertThat(shares).hasSize(5);
    RootOfTrust root = shamirRoot();
    assertThat(root.status()).isEqualTo(new RootStatus(true, true, "shamir", 5, 3, 0, false));
    assertThat(root.unseal(shares.get(4)).progress()).isEqualTo(1);
    assertThat(root.unseal(shares.get(4)).progress()).as("duplicate ignored").isEqualTo(1);
    assertThat(root.unseal(shares.get(1)).progress()).isEqualTo(2);
    assertThatThrownBy(root::keyring).matches(e -> code(e) == ErrorCode.SEALED);
    RootStatus status = root.unseal(shares.get(2));
    assertThat(status).isEqualTo(new RootStatus(true, false, "shamir", 5, 3, 0, false));
    assertThat(root.keyring().generationIds()).hasSize(1);
    assertThat(new String(system.get(RootOfTrust.SEAL_CONFIG_NAME).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("type=shamir\nshares=5\nthreshold=3\n");
  }

  @Test
  void shamir_wrongShareCombination_resetsProgressWithAClearError() {
    RootOfTrust root = shamirRoot();
    List<String> good = root.init(3, 2);
    List<String> foreign = new ShamirSeal().init(3, 2);
    root.unseal(good.get(0));
    assertThatThrownBy(() -> root.unseal(foreign.get(2)))
        .matches(e -> code(e) == ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("do not open the root keyring")
        .hasMessageContaining("progress was reset");
    assertThat(root.status().progress()).isZero();
    assertThat(root.status().sealed()).isTrue();
    root.unseal(good.get(2));
    assertThat(root.unseal(good.get(1)).sealed()).isFalse();
  }

  @Test
  void shamir_resetUnseal_dropsProgress() {
    RootOfTrust root = shamirRoot();
    List<String> shares = root.init(3, 2);
    root.unseal(shares.get(0));
    assertThat(root.resetUnseal().progress()).isZero();
    root.unseal(shares.get(1));
    assertThat(root.status().sealed()).isTrue();
  }

  @Test
  void shamir_sealAfterUnseal_needsSharesAgain() {
    RootOfTrust root = shamirRoot();
    List<String> shares = root.init(2, 2);
    root.unseal(shares.get(0));
    root.unseal(shares.get(1));
    root.seal();
    assertThatThrownBy(root::keyring).matches(e -> code(e) == ErrorCode.SEALED);
    assertThatThrownBy(root::autoUnseal).hasMessageContaining("needs unseal shares");
    root.unseal(shares.get(1));
    root.unseal(shares.get(0));
    assertThat(root.status().sealed()).isFalse();
  }

  @Test
  void unseal_onFileSeal_isRefused_andAnOperatorsSealHoldsUntilRestart() {
    RootOfTrust root = fileRoot();
    root.init();
    assertThatThrownBy(() -> root.unseal("rekey-share-1-AAAA")).hasMessageContaining("unseals automatically");

    // a second init is a conflict, whatever it asks for
    assertThatThrownBy(() -> root.init(5, 3)).matches(e -> code(e) == ErrorCode.ALREADY_INITIALIZED);

    // sealed by an operator: only a restart opens it again, and the answer says so
    root.seal();
    assertThatThrownBy(() -> root.unseal("rekey-share-1-AAAA"))
        .matches(e -> code(e) == ErrorCode.ILLEGAL_STATE).hasMessageContaining("restart the server");
    assertThat(root.status().sealed()).isTrue();
    root.autoUnseal();
    assertThat(root.status().sealed()).isFalse();
  }

  @Test
  void start_withAnotherSealTypeThanInitialized_failsClearly() {
    fileRoot().init();
    assertThatThrownBy(() -> shamirRoot().status())
        .matches(e -> code(e) == ErrorCode.ILLEGAL_STATE)
        .hasMessageContaining("initialized with the file seal but the server is configured with the shamir seal");
  }

  @Test
  void start_withAnotherKeyFile_cannotOpen() {
    fileRoot().init();
    RootOfTrust other = new RootOfTrust(system, FileSeal.open(dir.resolve("other.key")), CLOCK);
    assertThatThrownBy(other::autoUnseal).matches(e -> code(e) == ErrorCode.DECRYPTION_FAILED);
    assertThat(other.status().sealed()).isTrue();
  }

  @Test
  void keyring_readConcurrentlyWithSealAndUnseal_neverReturnsNull() throws Exception {
    RootOfTrust root = fileRoot();
    root.init();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            try {
              assertThat(root.keyring()).isNotNull();
            } catch (RekeyException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.SEALED);
            }
          }
        }));
      }
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 200; i++) {
          root.seal();
          root.autoUnseal();
        }
      }));
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(root.status().sealed()).isFalse();
  }

  /**
   * Material under a generation this node lacks makes it re-read the stored keyring; when that
   * cannot be read the answer is SEALED (503), not an unchecked exception (500) nor
   * DECRYPTION_FAILED (the material may be fine), and the node keeps the keyring it holds.
   */
  @Test
  void unwrapUnderAnUnknownGeneration_storedKeyringCorrupt_isSealed_andTheHeldKeyringStays() {
    RootOfTrust root = fileRoot();
    root.init();
    RootKeyring held = root.keyring();
    RootKeyring otherNodes = held.withNewGeneration(RootTestKeys.NOW);
    byte[] binding = MaterialBinding.system("x");
    dev.rekey.core.key.WrappedKey underNew = otherNodes.wrap(dev.rekey.core.crypto.SecretBytes.random(32), binding);
    dev.rekey.core.key.WrappedKey underHeld = held.wrap(dev.rekey.core.crypto.SecretBytes.random(32), binding);
    system.put(RootOfTrust.KEYRING_NAME, "corrupt".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> root.keyring().unwrap(underNew, binding))
        .isInstanceOf(RekeyException.class).matches(e -> code(e) == ErrorCode.SEALED)
        .hasMessageContaining("stored root keyring cannot be read");
    assertThatThrownBy(root::refresh).matches(e -> code(e) == ErrorCode.SEALED);
    assertThat(root.keyring().currentId()).isEqualTo(held.currentId());
    assertThat(root.keyring().unwrap(underHeld, binding)).isNotNull();
    assertThat(root.status().sealed()).isFalse();
  }

  /** A node that has not read the keyring yet (started before init elsewhere) answers SEALED for a corrupt one. */
  @Test
  void status_storedKeyringCorrupt_isSealedNotAnUncheckedException() {
    RootOfTrust waiting = fileRoot();
    assertThat(waiting.status().initialized()).isFalse();
    system.put(RootOfTrust.KEYRING_NAME, "corrupt".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(waiting::status).isInstanceOf(RekeyException.class).matches(e -> code(e) == ErrorCode.SEALED);
  }

  @Test
  void toString_containsNoKeyMaterial() {
    RootOfTrust root = fileRoot();
    root.init();
    assertThat(root.toString()).isEqualTo("RootOfTrust[seal=file, unsealed]");
  }

  /**
   * The keyring refresh (every second, on a worker) reads the stored keyring; health and seal
   * status ask for the status on an event loop. A slow store must not make them wait for that read.
   */
  @Test
  void status_doesNotWaitForARefreshWaitingForTheStore() throws Exception {
    java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
    InMemorySystemRepository slowStore = new InMemorySystemRepository() {
      @Override
      public java.util.Optional<byte[]> get(String name) {
        if (slow.get() && name.equals(RootOfTrust.KEYRING_NAME)) {
          reading.countDown();
          try {
            answer.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.get(name);
      }
    };
    RootOfTrust root = new RootOfTrust(slowStore, FileSeal.open(dir.resolve("seal.key")), CLOCK);
    root.init();
    slow.set(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> refreshed = pool.submit(root::refresh);
      assertThat(reading.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      Future<RootStatus> status = pool.submit(root::status);
      try {
        assertThat(status.get(2, java.util.concurrent.TimeUnit.SECONDS).sealed()).isFalse();
      } finally {
        answer.countDown();
      }
      assertThat(refreshed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    } finally {
      answer.countDown();
      pool.shutdownNow();
    }
  }
}
