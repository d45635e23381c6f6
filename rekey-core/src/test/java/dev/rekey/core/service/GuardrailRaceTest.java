package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two guardrail changes on one node at once: the node keeps the rule that was stored last. */
class GuardrailRaceTest {
  private final Services s = new Services();
  private final CountDownLatch firstStored = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final InMemorySecretRepository repo = new InMemorySecretRepository() {
    @Override
    public void putGuardrail(SecretGuardrail g) {
      super.putGuardrail(g);
      if (!g.requireExpiry()) { // the first change: stored, then its thread is held before it caches it
        firstStored.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  };
  private final SecretService node = new SecretService(repo, Transactions.direct(), EventOutbox.NONE, () -> s.ring,
      s.clock, Duration.ofDays(7), new SecretCache(repo, () -> s.ring, Duration.ofMinutes(10)));

  @Test
  void concurrentChangesOnOneNode_theNodeFollowsTheOneStoredLast() throws Exception {
    node.put(NS, "db", "one".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    CompletableFuture<SecretGuardrail> loose = CompletableFuture.supplyAsync(
        () -> node.setGuardrail(new SecretGuardrail(NS, false, null)));
    assertThat(firstStored.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<SecretGuardrail> strict = CompletableFuture.supplyAsync(
        () -> node.setGuardrail(new SecretGuardrail(NS, true, null)));
    try {
      strict.get(300, TimeUnit.MILLISECONDS); // without serialization the second change completes first
    } catch (java.util.concurrent.TimeoutException expected) {
      // serialized: it waits for the first change to finish
    }
    release.countDown();
    loose.get(10, TimeUnit.SECONDS);
    strict.get(10, TimeUnit.SECONDS);

    assertThat(repo.guardrail(NS).orElseThrow().requireExpiry()).as("stored last").isTrue();
    assertThatThrownBy(() -> node.put(NS, "db", "no expiry".getBytes(StandardCharsets.UTF_8),
        SecretService.PutOptions.DEFAULT)).hasMessageContaining("denies secrets without an expiry");
  }
}
