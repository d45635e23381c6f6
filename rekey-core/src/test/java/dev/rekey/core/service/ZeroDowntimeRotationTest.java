package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rotation without downtime, on two "nodes" (two KeyCache/CryptoService pairs over one
 * repository). Eight threads encrypt, decrypt and rewrap continuously, each decrypting its own
 * fresh ciphertexts and random older ones from every thread, while a ninth rotates the key 200
 * times through node A's KeyService, alternating one-step rotation and two-step rotation
 * (PENDING, then promote). Node B has a very short cache TTL, so it keeps encrypting with a
 * primary it has not yet seen replaced and learns of new versions late or from ciphertexts.
 * Not one operation may fail, and every ciphertext ever produced must decrypt at the end.
 */
class ZeroDowntimeRotationTest {
  private static final int WORKERS = 8;
  private static final int ROTATIONS = 200;
  /** Operations the workers must complete between two rotations (progress, not time). */
  private static final int OPS_PER_ROTATION = 16;
  /** How far the workers may run ahead of the rotator, in operations, so the test stays small. */
  private static final int MAX_AHEAD = 4 * OPS_PER_ROTATION;

  private record Made(String ciphertext, byte[] plaintext, byte[] context) {}

  @Test
  @Timeout(120)
  void rotate200Times_whileEightThreadsEncryptAndDecryptOnTwoNodes_zeroFailures() throws Exception {
    Services a = new Services(new dev.rekey.core.testing.InMemoryKeyRepository(),
        dev.rekey.core.root.RootKeyring.generate(Services.T0), Duration.ofMillis(50));
    Services b = a.otherNode(Duration.ofMillis(1));
    a.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());

    Map<Integer, Made> made = new ConcurrentHashMap<>();
    AtomicInteger count = new AtomicInteger();
    AtomicLong ops = new AtomicLong();
    AtomicBoolean rotationsDone = new AtomicBoolean();
    AtomicLong allowedOps = new AtomicLong(100 + MAX_AHEAD);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Map<Integer, Boolean> versionsUsed = new ConcurrentHashMap<>();

    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      final int worker = w;
      CryptoService crypto = (w % 2 == 0 ? a : b).crypto;
      threads.add(new Thread(() -> {
        Random r = new Random(worker);
        int afterDone = 0;
        for (int i = 0; afterDone < 50; i++) {
          if (rotationsDone.get()) {
            afterDone++;
          }
          while (!rotationsDone.get() && ops.get() > allowedOps.get()) {
            Thread.yield();
          }
          try {
            byte[] plaintext = ("w" + worker + "-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] context = i % 3 == 0 ? null : ("ctx-" + worker).getBytes(StandardCharsets.UTF_8);
            CryptoService.Produced p = crypto.encrypt(NS, "orders", plaintext, context);
            versionsUsed.put(p.version(), true);
            made.put(count.getAndIncrement(), new Made(p.text(), plaintext, context));
            check(crypto, new Made(p.text(), plaintext, context));
            int n = count.get();
            Made old = made.get(r.nextInt(n));
            if (old != null) {
              check(crypto, old);
              if (i % 7 == 0) {
                String rewrapped = crypto.rewrap(NS, "orders", old.ciphertext(), old.context()).text();
                made.put(count.getAndIncrement(), new Made(rewrapped, old.plaintext(), old.context()));
              }
            }
          } catch (Throwable t) {
            failures.add(t);
          }
          ops.incrementAndGet();
        }
      }, "worker-" + w));
    }
    Thread rotator = new Thread(() -> {
      try {
        awaitOps(ops, 100);
        for (int n = 0; n < ROTATIONS; n++) {
          if (n % 2 == 0) {
            a.keys.rotate(NS, "orders", true);
          } else {
            Key pending = a.keys.rotate(NS, "orders", false);
            progress(ops, allowedOps, OPS_PER_ROTATION / 2);
            a.keys.changeVersion(NS, "orders", pending.latestVersion(), VersionAction.PROMOTE, null);
          }
          progress(ops, allowedOps, OPS_PER_ROTATION);
        }
      } catch (Throwable t) {
        failures.add(t);
      } finally {
        rotationsDone.set(true);
      }
    }, "rotator");
    threads.forEach(Thread::start);
    rotator.start();
    rotator.join();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(failures).as("failures during rotation").isEmpty();
    Key key = a.keys.get(NS, "orders");
    assertThat(key.latestVersion()).isEqualTo(ROTATIONS + 1);
    assertThat(key.primary().number()).isEqualTo(ROTATIONS + 1);
    assertThat(key.versions()).filteredOn(v -> v.state() == VersionState.PENDING).isEmpty();
    assertThat(versionsUsed.size()).as("ciphertexts under many versions").isGreaterThan(ROTATIONS / 2);
    assertThat(made).hasSize(count.get());
    System.out.println("ciphertexts: " + made.size() + ", versions used: " + versionsUsed.size());
    // Every ciphertext ever produced decrypts, on both nodes and on a brand-new node.
    Services fresh = a.otherNode(Duration.ofMinutes(1));
    for (Made m : made.values()) {
      check(a.crypto, m);
      check(b.crypto, m);
      check(fresh.crypto, m);
    }
  }

  private static void check(CryptoService crypto, Made m) {
    byte[] back = crypto.decrypt(NS, "orders", m.ciphertext(), m.context()).plaintext();
    if (!java.util.Arrays.equals(back, m.plaintext())) {
      throw new AssertionError("wrong plaintext for " + m.ciphertext());
    }
  }

  /** Lets the workers run {@code n} more operations (and at most MAX_AHEAD beyond) and waits for them. */
  private static void progress(AtomicLong ops, AtomicLong allowedOps, int n) {
    long target = ops.get() + n;
    allowedOps.set(target + MAX_AHEAD);
    awaitOps(ops, target);
  }

  /** Waits until the workers have completed {@code target} operations in total. */
  private static void awaitOps(AtomicLong ops, long target) {
    while (ops.get() < target) {
      Thread.yield();
    }
  }
}
