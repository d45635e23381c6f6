package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.audit.AuditVerifier;
import dev.rekey.core.audit.Audited;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.service.SecretService.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * SQLite ends the whole transaction on some failures of a single statement (a full disk, an I/O
 * error), savepoints included; the connection is then back in auto-commit mode. Nothing the
 * transaction does after that may be stored on its own: the transaction fails whole.
 */
class SqliteFailedTransactionTest extends StoreContract {
  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.sqlite(tempDir);
  }

  private JdbcTransactions tx() {
    return (JdbcTransactions) store.transactions();
  }

  /** On the calling thread's transaction: the database may not grow (past a few pages when {@code full} is false). */
  private void diskFull(boolean full) {
    tx().read("limiting the database size", c -> {
      try (var s = c.createStatement()) {
        long pages;
        try (var rs = s.executeQuery("PRAGMA page_count")) {
          rs.next();
          pages = rs.getLong(1);
        }
        s.execute("PRAGMA max_page_count = " + (full ? pages : 1_000_000));
      }
      return null;
    });
  }

  @Test
  void aWriteThatEndsTheTransaction_nothingAfterItIsStoredOnItsOwn() {
    assertThatThrownBy(() -> tx().inTransaction(() -> {
      store.system().putIfAbsent("before", new byte[10]);
      diskFull(true);
      try {
        tx().inTransaction(() -> store.system().putIfAbsent("too-big", new byte[1_000_000]));
      } catch (RekeyException refused) {
        // a caller that goes on after a refused write, as the audit writer's batch does
      }
      diskFull(false);
      try {
        store.system().putIfAbsent("after", new byte[10]);
      } catch (RekeyException refused) {
        // refused as well: the transaction is over
      }
      return null;
    })).isInstanceOf(RekeyException.class);

    assertThat(store.system().get("before")).isEmpty();
    assertThat(store.system().get("too-big")).isEmpty();
    assertThat(store.system().get("after")).as("a write after the transaction ended").isEmpty();
  }

  @Test
  void aGroupCommitWhoseTransactionEnded_storesNothingOfTheBatch() throws Exception {
    AuditSigningKey signing = AuditSigningKey.generate();
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    SecretService secrets = new SecretService(store.secrets(), store.transactions(), store.events(), () -> keyring,
        Clock.systemUTC(), Duration.ofDays(1));
    AuditLog group = AuditLog.start(store.audit(), store.transactions(), () -> signing, AuditLogConfig.DEFAULTS,
        Clock.systemUTC());
    try {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      group.submitWrite(() -> {
        started.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }, r -> { }, (r, failure) -> record("gate", failure));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Audited<Secret>> first = submit(group, "first", () -> put(secrets, "first", 10));
      CompletableFuture<Audited<Secret>> big = submit(group, "big", () -> {
        diskFull(true);
        return put(secrets, "big", 60_000);
      });
      CompletableFuture<Audited<Secret>> last = submit(group, "last", () -> {
        diskFull(false);
        return put(secrets, "last", 10);
      });
      release.countDown();

      for (CompletableFuture<Audited<Secret>> f : java.util.List.of(first, big, last)) {
        try {
          Audited<Secret> done = f.get(30, TimeUnit.SECONDS);
          assertThat(done.failure()).as("no write of the batch is acknowledged").isNotNull();
        } catch (java.util.concurrent.ExecutionException refused) {
          // the batch failed: refused
        }
      }
      assertThat(store.secrets().find("default", "first")).isEmpty();
      assertThat(store.secrets().find("default", "big")).isEmpty();
      assertThat(store.secrets().find("default", "last")).as("a write of a batch whose transaction ended").isEmpty();
      assertThat(store.audit().read(1, 100_000)).as("no record of the refused batch").extracting(r -> r.event().keyName())
          .containsExactly("gate");
    } finally {
      group.close();
    }
    assertThat(new AuditVerifier(store.audit(), signing.publicKey()).verify().valid()).isTrue();
  }

  private static Secret put(SecretService secrets, String name, int size) {
    return secrets.put("default", name, "v".repeat(size).getBytes(StandardCharsets.UTF_8), PutOptions.DEFAULT);
  }

  private static CompletableFuture<Audited<Secret>> submit(AuditLog group, String name, Supplier<Secret> work) {
    return group.submitWrite(work, r -> { }, (r, failure) -> record(name, failure));
  }

  private static AuditEvent record(String name, Throwable failure) {
    return new AuditEvent(Instant.now(), "req-" + name, "root", "tok-1", "secret.write", "default", name, 0,
        failure == null ? "allowed" : "failed", failure == null ? null : "internal", "127.0.0.1", null);
  }
}
