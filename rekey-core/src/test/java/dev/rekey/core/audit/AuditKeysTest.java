package dev.rekey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Hex;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.root.SystemSecrets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The audit signing key and the audit HMAC key: stored only wrapped, never printed. */
class AuditKeysTest {
  private final AuditFixtures.FakeSystemRepository system = new AuditFixtures.FakeSystemRepository();
  private final RootKeyring keyring = RootKeyring.generate(Instant.EPOCH);

  private byte[] storedSecret(String name) {
    return SystemSecrets.load(system, keyring, name).orElseThrow().reveal(SecretAccess.get()).clone();
  }

  private static void assertNoSecret(String text, byte[] secret) {
    assertThat(text)
        .doesNotContain(Hex.encode(secret))
        .doesNotContain(Hex.encode(secret).toUpperCase(java.util.Locale.ROOT))
        .doesNotContain(Base64.getEncoder().encodeToString(secret))
        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  @Test
  void signingKey_firstUse_generatesAndStoresPrivateKeyWrappedAndPublicKeyInClear() {
    AuditSigningKey key = AuditSigningKey.loadOrCreate(system, keyring);

    byte[] seed = storedSecret(AuditSigningKey.PRIVATE_NAME);
    byte[] blob = system.values.get(AuditSigningKey.PRIVATE_NAME);
    assertThat(seed).hasSize(32);
    assertThat(Hex.encode(blob)).doesNotContain(Hex.encode(seed));
    assertThat(system.values.get(AuditSigningKey.PUBLIC_NAME)).isEqualTo(key.publicKey());
    assertThat(key.keyId()).matches("ed25519:[0-9a-f]{16}");
  }

  @Test
  void signingKey_secondLoad_returnsSameKey() {
    AuditSigningKey first = AuditSigningKey.loadOrCreate(system, keyring);
    AuditSigningKey second = AuditSigningKey.loadOrCreate(system, keyring);

    assertThat(second.keyId()).isEqualTo(first.keyId());
    AuditCheckpoint cp = second.sign(7, "ab".repeat(32), Instant.EPOCH);
    assertThat(AuditSigningKey.verify(first.publicKey(), cp)).isTrue();
  }

  @Test
  void signingKey_otherKeyring_cannotUnwrap() {
    AuditSigningKey.loadOrCreate(system, keyring);
    RootKeyring other = RootKeyring.generate(Instant.EPOCH);

    assertThatThrownBy(() -> AuditSigningKey.loadOrCreate(system, other))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
  }

  @Test
  void signingKey_storedPublicKeyReplaced_refusesToLoad() {
    AuditSigningKey.loadOrCreate(system, keyring);
    system.values.put(AuditSigningKey.PUBLIC_NAME, AuditSigningKey.generate().publicKey());

    assertThatThrownBy(() -> AuditSigningKey.loadOrCreate(system, keyring))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
  }

  @Test
  void signingKey_signature_coversEveryCheckpointField() {
    AuditSigningKey key = AuditSigningKey.generate();
    AuditCheckpoint cp = key.sign(7, "ab".repeat(32), Instant.parse("2024-01-01T00:00:00.123456789Z"));
    byte[] pub = key.publicKey();

    assertThat(cp.at()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123456Z"));
    assertThat(AuditSigningKey.verify(pub, cp)).isTrue();
    assertThat(AuditSigningKey.verify(pub, new AuditCheckpoint(8, cp.hash(), cp.at(), cp.keyId(), cp.signature()))).isFalse();
    assertThat(AuditSigningKey.verify(pub, new AuditCheckpoint(7, "cd".repeat(32), cp.at(), cp.keyId(), cp.signature())))
        .isFalse();
    assertThat(AuditSigningKey.verify(pub, new AuditCheckpoint(7, cp.hash(), cp.at().plusNanos(1000), cp.keyId(),
        cp.signature()))).isFalse();
    assertThat(AuditSigningKey.verify(pub, new AuditCheckpoint(7, cp.hash(), cp.at(), "ed25519:0000000000000000",
        cp.signature()))).isFalse();
    assertThat(AuditSigningKey.verify(new byte[5], cp)).isFalse();
  }

  @Test
  void signingKey_toString_containsNoKeyMaterial() {
    AuditSigningKey key = AuditSigningKey.loadOrCreate(system, keyring);
    String text = key.toString();

    assertNoSecret(text, storedSecret(AuditSigningKey.PRIVATE_NAME));
    assertThat(text).contains(key.keyId()).contains("redacted");
  }

  @Test
  void redaction_value_isPrefixedHmacHex() {
    AuditRedaction redaction = AuditRedaction.loadOrCreate(system, keyring);
    String out = redaction.redact("tenant=acme;order=42");

    assertThat(out).matches("hmac-sha256:[0-9a-f]{64}").doesNotContain("acme");
    assertThat(redaction.redact("tenant=acme;order=42")).isEqualTo(out);
    assertThat(redaction.redact("tenant=acme;order=43")).isNotEqualTo(out);
    assertThat(redaction.redact("")).isNotEqualTo(out).startsWith(AuditRedaction.PREFIX);
    assertThat(redaction.redact(null)).isNull();
  }

  @Test
  void redaction_reloaded_sameOutput() {
    String first = AuditRedaction.loadOrCreate(system, keyring).redact("card-kek");
    assertThat(AuditRedaction.loadOrCreate(system, keyring).redact("card-kek")).isEqualTo(first);
  }

  @Test
  void redaction_knownKey_matchesHmacSha256KnownAnswer() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    AuditRedaction redaction = AuditRedaction.withKey(SecretBytes.copyOf("Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(redaction.redact("what do ya want for nothing?"))
        .isEqualTo("hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void redaction_keyStoredOnlyWrapped() {
    AuditRedaction.loadOrCreate(system, keyring);
    byte[] key = storedSecret(AuditRedaction.KEY_NAME);

    assertThat(key).hasSize(32);
    assertThat(Hex.encode(system.values.get(AuditRedaction.KEY_NAME))).doesNotContain(Hex.encode(key));
  }

  @Test
  void redaction_toString_containsNoKeyMaterial() {
    AuditRedaction redaction = AuditRedaction.loadOrCreate(system, keyring);
    assertNoSecret(redaction.toString(), storedSecret(AuditRedaction.KEY_NAME));
    assertThat(redaction.toString()).contains("redacted");
  }

  @Test
  void auditLog_toString_containsNoKeyMaterial() {
    AuditSigningKey key = AuditSigningKey.loadOrCreate(system, keyring);
    try (AuditLog log = AuditLog.start(new dev.rekey.core.testing.InMemoryAuditRepository(), key, AuditLogConfig.DEFAULTS,
        java.time.Clock.systemUTC())) {
      assertNoSecret(log.toString(), storedSecret(AuditSigningKey.PRIVATE_NAME));
      assertThat(log.toString()).contains(key.keyId());
    }
  }
}
