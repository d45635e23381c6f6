package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.CiphertextItem;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: the dev server runs as a separate JVM and is killed with SIGKILL in the middle of
 * encrypts and rotations. After a restart on the same data directory every acknowledged ciphertext
 * decrypts, every acknowledged rotation is there, and the audit trail verifies and holds a record
 * for every acknowledged request.
 */
class CrashSafetyE2eTest {
  static final int WRITERS = 4;

  record Acked(String ciphertext, byte[] plaintext) {}

  @Test
  void sigkillLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path log = dir.resolve("server.log");
    int port = E2e.freePort();
    String url = "http://127.0.0.1:" + port;
    Process process = E2e.startServerProcess(data, port, log);

    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failuresBeforeKill = new ConcurrentLinkedQueue<>();
    AtomicInteger ackedRotations = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    try {
      RekeyClient client = E2e.client(url, E2e.ROOT_TOKEN);
      client.createKey("crash", null, null);

      for (int t = 0; t < WRITERS; t++) {
        int id = t;
        threads.add(new Thread(() -> {
          RekeyClient c = E2e.client(url, E2e.ROOT_TOKEN);
          for (int i = 0; !killed.get(); i++) {
            byte[] p = ("writer " + id + " value " + i).getBytes(StandardCharsets.UTF_8);
            try {
              EncryptResponse e = c.encrypt("crash", p, null);
              acked.add(new Acked(e.ciphertext(), p));
            } catch (RuntimeException e) {
              if (!killed.get()) {
                failuresBeforeKill.add("writer " + id + ": " + e);
              }
              return;
            }
          }
        }, "crash-writer-" + t));
      }
      threads.add(new Thread(() -> {
        RekeyClient c = E2e.client(url, E2e.ROOT_TOKEN);
        while (!killed.get()) {
          try {
            c.rotateKey("crash", true);
            ackedRotations.incrementAndGet();
          } catch (RuntimeException e) {
            if (!killed.get()) {
              failuresBeforeKill.add("rotator: " + e);
            }
            return;
          }
        }
      }, "crash-rotator"));
      threads.forEach(Thread::start);

      E2e.await("traffic before the kill", Duration.ofSeconds(60),
          () -> (acked.size() >= 400 && ackedRotations.get() >= 10) || !failuresBeforeKill.isEmpty());
      assertThat(failuresBeforeKill).isEmpty();
    } finally {
      // mark first, so that failures caused by the kill are not counted; what is acknowledged
      // before the process dies still counts (it is added after the answer arrived)
      killed.set(true);
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
    }
    assertThat(threads).noneMatch(Thread::isAlive);
    assertThat(failuresBeforeKill).isEmpty();
    List<Acked> all = new ArrayList<>(acked);
    int rotations = ackedRotations.get();

    try (RekeyServer restarted = E2e.devServer(data)) {
      RekeyClient client = E2e.client(restarted, E2e.ROOT_TOKEN);
      assertThat(client.getKey("crash").primaryVersion()).isGreaterThanOrEqualTo(rotations + 1);
      for (int from = 0; from < all.size(); from += 1000) {
        List<Acked> chunk = all.subList(from, Math.min(all.size(), from + 1000));
        List<CiphertextItem> items = chunk.stream().map(a -> RekeyClient.ciphertextItem(a.ciphertext(), null)).toList();
        List<DecryptResult> results = client.decryptBatch("crash", items);
        for (int i = 0; i < chunk.size(); i++) {
          assertThat(results.get(i).error()).as(chunk.get(i).ciphertext()).isNull();
          assertThat(RekeyClient.plaintextOf(results.get(i))).isEqualTo(chunk.get(i).plaintext());
        }
      }

      E2e.Run verify = E2e.cli(restarted.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(verify.exit()).as(verify.toString()).isZero();

      long encrypts = 0;
      long rotates = 0;
      Long from = 1L;
      while (from != null) {
        AuditRecordList page = client.auditRecords(from, 1000);
        for (AuditRecordView r : page.records()) {
          if ("crash".equals(r.key()) && "allowed".equals(r.outcome())) {
            encrypts += "encrypt".equals(r.action()) ? 1 : 0;
            rotates += "key.rotate".equals(r.action()) ? 1 : 0;
          }
        }
        from = page.records().isEmpty() ? null : page.nextFrom();
      }
      assertThat(encrypts).as("audit records of acknowledged encrypts").isGreaterThanOrEqualTo(all.size());
      assertThat(rotates).as("audit records of acknowledged rotations").isGreaterThanOrEqualTo(rotations);
    }
  }
}
