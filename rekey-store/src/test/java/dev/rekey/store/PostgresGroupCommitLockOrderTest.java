package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.audit.Audited;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' group commits on one PostgreSQL database: a batch of writes takes the audit chain
 * head before it writes anything, so it never holds rows that another node's batch, already
 * holding the head, waits for. Two batches writing the same secrets in opposite orders then
 * queue instead of deadlocking.
 */
class PostgresGroupCommitLockOrderTest extends StoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  @Test
  void aBatchOfWrites_waitsForTheChainHead_beforeItWritesAnything() throws Exception {
    Store otherNode = open(config);
    AuditLog group = AuditLog.start(store.audit(), store.transactions(), AuditSigningKey::generate,
        AuditLogConfig.DEFAULTS, Clock.systemUTC());
    ExecutorService nodeB = Executors.newSingleThreadExecutor();
    CountDownLatch headHeld = new CountDownLatch(1);
    CountDownLatch releaseHead = new CountDownLatch(1);
    try {
      // node B's group commit holds the chain head (it is between its writes and its commit)
      nodeB.submit(() -> otherNode.transactions().run(() -> {
        otherNode.audit().holdAppendLock();
        headHeld.countDown();
        try {
          releaseHead.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertThat(headHeld.await(10, TimeUnit.SECONDS)).isTrue();

      AtomicBoolean wrote = new AtomicBoolean();
      CompletableFuture<Audited<String>> put = group.submitWrite(() -> {
        wrote.set(true);
        return "stored";
      }, r -> { }, (r, failure) -> new AuditEvent(Instant.now(), "req-1", "root", "tok-1", "secret.write", "default",
          "s", 1, failure == null ? "allowed" : "failed", null, "127.0.0.1", null));

      Thread.sleep(500); // node A's writer has long taken the batch by now
      assertThat(wrote).as("node A writes nothing while node B holds the head").isFalse();
      assertThat(put).isNotDone();

      releaseHead.countDown();
      assertThat(put.get(30, TimeUnit.SECONDS).value()).isEqualTo("stored");
      assertThat(wrote).isTrue();
    } finally {
      releaseHead.countDown();
      nodeB.shutdown();
      nodeB.awaitTermination(10, TimeUnit.SECONDS);
      group.close();
      otherNode.close();
    }
  }
}
