package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.audit.AuditVerifier;
import dev.rekey.core.audit.Audited;
import dev.rekey.core.event.EventType;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.service.SecretService.PutOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secret puts group-committed by the audit writer ({@link AuditLog#submitWrite}) on a real
 * database: every acknowledged put lands exactly once with its audit record, and a put that fails
 * in a batch rolls back alone (with its events) and is audited as failed.
 */
abstract class AuditedWritesContract extends StoreContract {
  private static final String NS = "default";
  private final AuditSigningKey signing = AuditSigningKey.generate();
  private SecretService secrets;
  private AuditLog group;

  @BeforeEach
  void startWriter() {
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    secrets = new SecretService(store.secrets(), store.transactions(), store.events(), () -> keyring,
        Clock.systemUTC(), Duration.ofDays(1));
    group = AuditLog.start(store.audit(), store.transactions(), () -> signing, AuditLogConfig.DEFAULTS,
        Clock.systemUTC());
  }

  @AfterEach
  void stopWriter() {
    group.close();
  }

  /** The record a put's request gets: its secret and version, allowed or failed with the error. */
  private static AuditEvent record(String ns, String name, Secret stored, Throwable failure) {
    return new AuditEvent(Instant.now(), "req-" + name, "root", "tok-1", "secret.write", ns, name,
        stored == null ? 0 : stored.latestVersion(), failure == null ? "allowed" : "failed",
        failure == null ? null : failure instanceof RekeyException e ? e.code().wire() : "internal", "127.0.0.1",
        null);
  }

  private <T> CompletableFuture<T> submit(String ns, String name, Supplier<T> work) {
    return group.submitWrite(work, r -> { }, (r, failure) -> record(ns, name, r instanceof Secret s ? s : null,
        failure)).thenApply(AuditedWritesContract::valueOrThrow);
  }

  private static <T> T valueOrThrow(Audited<T> done) {
    if (done.failure() != null) {
      throw new CompletionException(done.failure());
    }
    return done.value();
  }

  private CompletableFuture<Secret> put(String name, String value, PutOptions options) {
    return group.submitWrite(() -> secrets.put(NS, name, value.getBytes(StandardCharsets.UTF_8), options),
        secrets::publish, (stored, failure) -> record(NS, name, stored, failure))
        .thenApply(AuditedWritesContract::valueOrThrow);
  }

  private List<AuditRecord> auditTrail() {
    return store.audit().read(1, 100_000);
  }

  private Set<String> values(String name) {
    Set<String> values = new HashSet<>();
    Secret s = secrets.get(NS, name);
    for (int v = 1; v <= s.latestVersion(); v++) {
      values.add(new String(secrets.read(NS, name, null, v).value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  private CountDownLatch holdWriter() throws InterruptedException {
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
    }, r -> { }, (r, failure) -> record(NS, "gate", null, failure));
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void concurrentPuts_toOneSecretAndToMany_allLandExactlyOnce() throws Exception {
    int clients = 16;
    int perClient = 25;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<CompletableFuture<Secret>> acks = new ArrayList<>();
    Set<String> shared = new HashSet<>();
    List<Set<String>> spread = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      spread.add(new HashSet<>());
    }
    try {
      List<CompletableFuture<List<CompletableFuture<Secret>>>> submitters = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        for (int i = 0; i < perClient; i++) {
          String value = "c" + client + "-" + i;
          shared.add("shared-" + value);
          spread.get((client + i) % 10).add("spread-" + value);
        }
        submitters.add(CompletableFuture.supplyAsync(() -> {
          List<CompletableFuture<Secret>> mine = new ArrayList<>();
          for (int i = 0; i < perClient; i++) {
            String value = "c" + client + "-" + i;
            mine.add(put("shared", "shared-" + value, PutOptions.DEFAULT));
            mine.add(put("spread-" + (client + i) % 10, "spread-" + value, PutOptions.DEFAULT));
          }
          return mine;
        }, pool));
      }
      for (CompletableFuture<List<CompletableFuture<Secret>>> s : submitters) {
        acks.addAll(s.get(60, TimeUnit.SECONDS));
      }
      for (CompletableFuture<Secret> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(secrets.get(NS, "shared").latestVersion()).isEqualTo(clients * perClient);
    assertThat(values("shared")).isEqualTo(shared);
    for (int s = 0; s < 10; s++) {
      assertThat(values("spread-" + s)).isEqualTo(spread.get(s));
    }
    assertThat(store.events().recent(null, EventType.SECRET_NEW_VERSION_CREATED, 10_000))
        .hasSize(2 * clients * perClient);
    // one allowed record per put, naming the version it wrote; the chain verifies
    List<AuditRecord> trail = auditTrail();
    assertThat(trail).hasSize(2 * clients * perClient);
    assertThat(trail).allSatisfy(r -> assertThat(r.event().outcome()).isEqualTo("allowed"));
    assertThat(trail.stream().filter(r -> r.event().keyName().equals("shared")).map(r -> r.event().version()))
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, clients * perClient).boxed().toList());
    assertThat(new AuditVerifier(store.audit(), signing.publicKey()).verify().valid()).isTrue();
  }

  @Test
  void failingPuts_inABatch_rollBackAlone_andTheOthersCommit() throws Exception {
    put("cas", "v1", PutOptions.DEFAULT).get(30, TimeUnit.SECONDS);
    secrets.setGuardrail(new SecretGuardrail("strict", true, null));
    int eventsBefore = store.events().recent(null, EventType.SECRET_NEW_VERSION_CREATED, 10_000).size();

    CountDownLatch release = holdWriter();
    CompletableFuture<Secret> first = put("same", "a", PutOptions.DEFAULT);
    CompletableFuture<Secret> staleCas = put("cas", "lost", new PutOptions(7, null, null, false, null));
    CompletableFuture<Secret> noExpiry = submit("strict", "db", () -> secrets.put("strict", "db",
        "x".getBytes(StandardCharsets.UTF_8), PutOptions.DEFAULT));
    CompletableFuture<Secret> halfWritten = submit(NS, "half", () -> {
      secrets.put(NS, "half", "h".getBytes(StandardCharsets.UTF_8), PutOptions.DEFAULT);
      throw new IllegalStateException("failed after writing");
    });
    CompletableFuture<Secret> second = put("same", "b", PutOptions.DEFAULT);
    CompletableFuture<Secret> casOk = put("cas", "v2", new PutOptions(1, null, null, false, null));
    release.countDown();

    assertThat(first.get(30, TimeUnit.SECONDS).latestVersion()).isEqualTo(1);
    assertThat(second.get(30, TimeUnit.SECONDS).latestVersion()).isEqualTo(2);
    assertThat(casOk.get(30, TimeUnit.SECONDS).latestVersion()).isEqualTo(2);
    assertThatThrownBy(staleCas::join).cause().isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThatThrownBy(noExpiry::join).cause().isInstanceOf(RekeyException.class);
    assertThatThrownBy(halfWritten::join).cause().isInstanceOf(IllegalStateException.class);

    assertThat(values("same")).containsExactlyInAnyOrder("a", "b");
    assertThat(values("cas")).containsExactlyInAnyOrder("v1", "v2");
    assertThat(store.secrets().find(NS, "half")).isEmpty();
    assertThat(store.secrets().find("strict", "db")).isEmpty();
    // new-version events of the three committed puts only; no event of the failed ones
    assertThat(store.events().recent(null, EventType.SECRET_NEW_VERSION_CREATED, 10_000)).hasSize(eventsBefore + 3);
    assertThat(store.events().recent(null, null, 10_000)).extracting(e -> e.event())
        .noneMatch(e -> e.namespace().equals("strict") || e.subject().contains("half"));
    // every put of the batch is audited, the refused ones as failed with their error
    List<AuditRecord> trail = auditTrail();
    assertThat(trail.stream().filter(r -> r.event().outcome().equals("failed")).map(r -> r.event().keyName()
        + ":" + r.event().errorCode())).containsExactlyInAnyOrder("cas:" + ErrorCode.CONCURRENT_MODIFICATION.wire(),
            "db:" + ErrorCode.INVALID_REQUEST.wire(), "half:internal");
    assertThat(new AuditVerifier(store.audit(), signing.publicKey()).verify().valid()).isTrue();
  }
}
