package dev.rekey.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node's guardrail copies: served while fresh, and never more than the namespaces used within a TTL. */
class GuardrailCacheTest {
  private final InMemorySecretRepository repo = new InMemorySecretRepository();

  @Test
  void aStoredRuleIsServedFromMemory_untilItsTtl() throws InterruptedException {
    GuardrailCache cache = new GuardrailCache(repo, Duration.ofSeconds(1));
    repo.putGuardrail(new SecretGuardrail("payments", true, null));
    assertThat(cache.fresh("payments")).isEmpty();

    assertThat(cache.get("payments").requireExpiry()).isTrue();
    repo.putGuardrail(new SecretGuardrail("payments", false, null)); // another node's change
    assertThat(cache.fresh("payments")).hasValueSatisfying(g -> assertThat(g.requireExpiry()).isTrue());

    Thread.sleep(1000);
    assertThat(cache.fresh("payments")).isEmpty();
    assertThat(cache.get("payments").requireExpiry()).isFalse();
  }

  @Test
  void manyNamespacesLookedUpOnce_areDroppedOnceExpired() throws InterruptedException {
    GuardrailCache cache = new GuardrailCache(repo, Duration.ofMillis(300));
    for (int i = 0; i < GuardrailCache.SWEEP_ABOVE; i++) {
      cache.get("ns-" + i);
    }
    assertThat(cache.size()).isEqualTo(GuardrailCache.SWEEP_ABOVE);
    Thread.sleep(310);
    cache.get("one-more");

    assertThat(cache.size()).as("only the namespace used within the TTL").isEqualTo(1);
  }

  @Test
  void zeroTtl_keepsNothing() {
    GuardrailCache cache = new GuardrailCache(repo, Duration.ZERO);
    cache.get("payments");
    cache.stored(new SecretGuardrail("payments", true, null));

    assertThat(cache.size()).isZero();
    assertThat(cache.fresh("payments")).isEmpty();
  }
}
