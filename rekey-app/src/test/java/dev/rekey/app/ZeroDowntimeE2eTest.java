package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.CiphertextItem;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero downtime over HTTP: eight SDK clients encrypt and decrypt without pause while the key is
 * rotated fifty times through the API. No request may fail, and every ciphertext decrypts at the end.
 */
class ZeroDowntimeE2eTest {
  static final int CLIENTS = 8;
  static final int ROTATIONS = 50;

  record Produced(String ciphertext, byte[] plaintext, byte[] context) {}

  @Test
  void rotationsUnderLoadFailNoRequest(@TempDir Path dir) throws Exception {
    try (RekeyServer server = E2e.devServer(dir)) {
      RekeyClient admin = E2e.client(server, E2e.ROOT_TOKEN);
      admin.createKey("busy", null, null);

      ConcurrentLinkedQueue<Produced> produced = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong requests = new AtomicLong();
      CountDownLatch started = new CountDownLatch(CLIENTS);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
          started.countDown();
          for (long i = 0; !stop.get(); i++) {
            byte[] plaintext = ("client " + id + " value " + i).getBytes(StandardCharsets.UTF_8);
            byte[] context = i % 3 == 0 ? null : ("ctx-" + id).getBytes(StandardCharsets.UTF_8);
            try {
              EncryptResponse e = client.encrypt("busy", plaintext, context);
              requests.incrementAndGet();
              produced.add(new Produced(e.ciphertext(), plaintext, context));
              byte[] back = client.decrypt("busy", e.ciphertext(), context);
              requests.incrementAndGet();
              if (!Arrays.equals(back, plaintext)) {
                failures.add("client " + id + ": wrong plaintext for " + e.ciphertext());
              }
            } catch (RuntimeException ex) {
              failures.add("client " + id + ": " + ex);
            }
          }
        }, "e2e-client-" + t);
        workers.add(w);
        w.start();
      }
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      RekeyClient rotator = E2e.client(server, E2e.ROOT_TOKEN);
      for (int r = 0; r < ROTATIONS; r++) {
        // let some traffic through between rotations
        long seen = requests.get();
        E2e.await("traffic between rotations", java.time.Duration.ofSeconds(30), () -> requests.get() >= seen + 16 || !failures.isEmpty());
        try {
          rotator.rotateKey("busy", true);
        } catch (RuntimeException ex) {
          failures.add("rotation " + r + ": " + ex);
        }
      }
      long seen = requests.get();
      E2e.await("traffic after the last rotation", java.time.Duration.ofSeconds(30), () -> requests.get() >= seen + 64 || !failures.isEmpty());
      stop.set(true);
      for (Thread w : workers) {
        w.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(w.isAlive()).as(w.getName() + " finished").isFalse();
      }

      assertThat(failures).as("failed requests during rotation").isEmpty();
      assertThat(admin.getKey("busy").primaryVersion()).isEqualTo(ROTATIONS + 1);

      List<Produced> all = new ArrayList<>(produced);
      assertThat(all.size()).isGreaterThan(ROTATIONS * 8);
      assertThat(all.stream().map(p -> p.ciphertext().substring(0, p.ciphertext().indexOf(':', 6))).distinct().count())
          .as("ciphertexts under many versions").isGreaterThan(ROTATIONS / 2);
      for (int from = 0; from < all.size(); from += 1000) {
        List<Produced> chunk = all.subList(from, Math.min(all.size(), from + 1000));
        List<CiphertextItem> items = chunk.stream().map(p -> RekeyClient.ciphertextItem(p.ciphertext(), p.context())).toList();
        List<DecryptResult> results = admin.decryptBatch("busy", items);
        for (int i = 0; i < chunk.size(); i++) {
          assertThat(results.get(i).error()).as(chunk.get(i).ciphertext()).isNull();
          assertThat(RekeyClient.plaintextOf(results.get(i))).isEqualTo(chunk.get(i).plaintext());
        }
      }
      assertThat(admin.verifyAudit().valid()).isTrue();
    }
  }
}
