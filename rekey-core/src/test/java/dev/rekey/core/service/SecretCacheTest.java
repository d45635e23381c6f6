package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two nodes over one store, each with a long-lived secret cache: own writes at once, others' after a reload. */
class SecretCacheTest {
  private final Services s = new Services();
  private final InMemorySecretRepository repo = new InMemorySecretRepository();
  private final SecretService nodeA = node();
  private final SecretService nodeB = node();

  private SecretService node() {
    return new SecretService(repo, Transactions.direct(), EventOutbox.NONE, () -> s.ring, s.clock, Duration.ofDays(7),
        new SecretCache(repo, () -> s.ring, Duration.ofMinutes(10)));
  }

  private static String read(SecretService node, String label, Integer version) {
    return new String(node.read(NS, "db", label, version).value(), StandardCharsets.UTF_8);
  }

  private static void put(SecretService node, String value) {
    node.put(NS, "db", value.getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
  }

  @Test
  void ownWritesAreServedAtOnce_othersAfterTheTtlOrWhenANewVersionIsAskedFor() {
    put(nodeA, "one");
    assertThat(read(nodeB, null, null)).isEqualTo("one");

    put(nodeA, "two");
    assertThat(read(nodeA, null, null)).isEqualTo("two");
    assertThat(read(nodeB, null, null)).as("node B's copy is fresh for its TTL").isEqualTo("one");
    assertThat(read(nodeB, null, 2)).as("an unknown version makes B look again").isEqualTo("two");
    assertThat(read(nodeB, null, null)).isEqualTo("two");
  }

  @Test
  void clear_dropsEverything_andTheNextReadUnwrapsAgain() {
    put(nodeA, "one");
    read(nodeA, null, null);

    nodeA.clearCache();

    assertThat(read(nodeA, "CURRENT", null)).isEqualTo("one");
  }

  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

  private static SecretService.PutOptions cas(int version) {
    return new SecretService.PutOptions(version, null, null, false, null);
  }

  @Test
  void prepareFromMemory_onlyWithTheSecretAndItsGuardrailHeldHere_andNeverRefusesACasOnItsOwnCopy() {
    put(nodeA, "one");
    assertThat(nodeB.prepareFromMemory(NS, "db", VALUE, SecretService.PutOptions.DEFAULT))
        .as("node B holds neither the secret nor the guardrail").isEmpty();
    read(nodeB, null, null);
    assertThat(nodeB.prepareFromMemory(NS, "db", VALUE, SecretService.PutOptions.DEFAULT))
        .as("the guardrail is still unknown here").isEmpty();
    nodeB.guardrail(NS);
    assertThat(nodeB.prepareFromMemory(NS, "db", VALUE, SecretService.PutOptions.DEFAULT)).isPresent();

    put(nodeA, "two");
    assertThat(nodeB.prepareFromMemory(NS, "db", VALUE, cas(2)))
        .as("B's copy says version 1: the store decides, not B's copy").isEmpty();
    assertThat(nodeB.commit(nodeB.prepare(NS, "db", VALUE, cas(2))).current().number()).isEqualTo(3);
    assertThat(nodeB.prepareFromMemory(NS, "other", VALUE, SecretService.PutOptions.DEFAULT))
        .as("a new secret").isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodeB.prepareFromMemory(NS, "db", null,
        SecretService.PutOptions.DEFAULT)).hasMessageContaining("needs a value");
  }

  @Test
  void guardrail_aChangeAppliesAtOnceOnItsNode_andOnOthersOnceTheyReadItAgain() {
    put(nodeA, "one");
    nodeB.guardrail(NS);
    nodeA.setGuardrail(new dev.rekey.core.secret.SecretGuardrail(NS, true, null));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> put(nodeA, "no expiry"))
        .hasMessageContaining("denies secrets without an expiry");
    put(nodeB, "no expiry"); // B's copy of the rule is within its cache time (cache_ttl)
    assertThat(nodeB.guardrail(NS).requireExpiry()).as("read from the store").isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> put(nodeB, "no expiry again"))
        .hasMessageContaining("denies secrets without an expiry");
  }
}
