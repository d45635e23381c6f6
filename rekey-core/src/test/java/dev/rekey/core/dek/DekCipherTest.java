package dev.rekey.core.dek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import dev.rekey.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DekCipherTest {
  static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");

  final InMemoryKeyRepository repo = new InMemoryKeyRepository();
  final RootKeyring ring = RootKeyring.generate(T0);
  final KeyCache cache = new KeyCache(repo, () -> ring, Duration.ofMinutes(1));
  final KeyService keys = new KeyService(repo, Transactions.direct(), new InMemoryEventOutbox(), () -> ring, cache,
      new MutableClock(T0), Duration.ofDays(1));
  final DekCipher cipher = new DekCipher(cache);

  StoredDek row(String tenant, int version, int kekVersion, byte[] wrapped) {
    return new StoredDek(1, "default", "kek", tenant, version, kekVersion, wrapped, T0, 0, null);
  }

  @Test
  void wrap_thenUnwrap_withTheSameIdentity_roundTrips() {
    keys.create("default", "kek", KeyType.AES256_GCM, Map.of());
    KeyCache.Entry e = cipher.kek("default", "kek");
    byte[] dek = new byte[32];
    dek[0] = 42;

    byte[] wrapped = cipher.wrap(e, e.key().primary(), "acme", 1, dek);

    assertThat(wrapped).hasSize(12 + 32 + 16);
    assertThat(cipher.unwrap(e, row("acme", 1, 1, wrapped))).isEqualTo(dek);
  }

  @Test
  void unwrap_underAnotherTenantDekVersionOrKekVersion_isTheGenericFailure() {
    keys.create("default", "kek", KeyType.AES256_GCM, Map.of());
    keys.rotate("default", "kek", true);
    KeyCache.Entry e = cipher.kek("default", "kek");
    byte[] wrapped = cipher.wrap(e, e.key().requireVersion(1), "acme", 1, new byte[32]);

    for (StoredDek moved : new StoredDek[] {row("bravo", 1, 1, wrapped), row("acme", 2, 1, wrapped),
        row("acme", 1, 2, wrapped), row("acme", 1, 3, wrapped)}) {
      assertThatThrownBy(() -> cipher.unwrap(e, moved)).isInstanceOfSatisfying(RekeyException.class, ex -> {
        assertThat(ex.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
        assertThat(ex.getMessage()).isEqualTo("decryption failed");
      });
    }
  }

  @Test
  void kek_ofAnotherType_isUnsupported() {
    keys.create("default", "mac", KeyType.HMAC_SHA256, Map.of());
    assertThatThrownBy(() -> cipher.kek("default", "mac")).isInstanceOfSatisfying(RekeyException.class,
        ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
  }

  @Test
  void unwrappedDek_toString_isRedacted() {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    UnwrappedDek d = new UnwrappedDek(row("acme", 1, 1, new byte[60]),
        dev.rekey.core.crypto.SecretBytes.copyOf(secret));
    assertThat(d.toString()).contains("redacted").doesNotContain("0123456789abcdef");
    assertThat(d.key().reveal(SecretAccess.get())).isEqualTo(secret);
  }
}
