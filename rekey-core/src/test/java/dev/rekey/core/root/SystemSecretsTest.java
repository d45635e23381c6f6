package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.testing.InMemorySystemRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SystemSecretsTest {
  final InMemorySystemRepository system = new InMemorySystemRepository();
  final RootKeyring keyring = RootKeyring.generate(Instant.EPOCH);

  @Test
  void store_thenLoad_roundTripsAndRegistersTheName() {
    SecretBytes secret = SecretBytes.random(32);
    assertThat(SystemSecrets.store(system, keyring, "audit-signing-key", secret)).isTrue();
    assertThat(SystemSecrets.load(system, keyring, "audit-signing-key").orElseThrow().sameAs(secret)).isTrue();
    assertThat(SystemSecrets.names(system)).containsExactly("audit-signing-key");
    assertThat(SystemSecrets.rootKeyId(system, "audit-signing-key")).contains(keyring.currentId());
  }

  @Test
  void store_existingName_keepsTheFirstValue() {
    SecretBytes first = SecretBytes.random(32);
    SystemSecrets.store(system, keyring, "audit-hmac-key", first);
    assertThat(SystemSecrets.store(system, keyring, "audit-hmac-key", SecretBytes.random(32))).isFalse();
    assertThat(SystemSecrets.load(system, keyring, "audit-hmac-key").orElseThrow().sameAs(first)).isTrue();
    assertThat(SystemSecrets.names(system)).containsExactly("audit-hmac-key");
  }

  @Test
  void load_missing_isEmpty() {
    assertThat(SystemSecrets.load(system, keyring, "nothing")).isEmpty();
  }

  @Test
  void load_valueCopiedUnderAnotherName_failsToUnwrap() {
    SystemSecrets.store(system, keyring, "audit-signing-key", SecretBytes.random(32));
    system.put("audit-hmac-key", system.get("audit-signing-key").orElseThrow());
    assertThatThrownBy(() -> SystemSecrets.load(system, keyring, "audit-hmac-key"))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void store_reservedName_isRefused() {
    assertThatThrownBy(() -> SystemSecrets.store(system, keyring, RootOfTrust.KEYRING_NAME, SecretBytes.random(1)))
        .hasMessageContaining("reserved");
  }

  @Test
  void rewrap_underNewGeneration_keepsTheValue() {
    SecretBytes secret = SecretBytes.random(32);
    SystemSecrets.store(system, keyring, "s", secret);
    RootKeyring next = keyring.withNewGeneration(Instant.EPOCH);
    assertThat(SystemSecrets.rewrap(system, next, "s")).isTrue();
    assertThat(SystemSecrets.rewrap(system, next, "s")).isFalse();
    assertThat(SystemSecrets.load(system, next.withoutOldGenerations(), "s").orElseThrow().sameAs(secret)).isTrue();
  }

  @Test
  void loadOrCreate_concurrently_everyoneGetsTheSameSecret() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<SecretBytes>> futures = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String name = "secret-" + (i % 4);
        futures.add(pool.submit(() -> SystemSecrets.loadOrCreate(system, keyring, name, () -> SecretBytes.random(32))));
      }
      for (int i = 0; i < 32; i++) {
        assertThat(futures.get(i).get().sameAs(futures.get(i % 4).get())).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(SystemSecrets.names(system)).containsExactlyInAnyOrder("secret-0", "secret-1", "secret-2", "secret-3");
  }
}
