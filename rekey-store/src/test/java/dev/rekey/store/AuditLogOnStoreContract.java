package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditLogConfig;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.audit.AuditVerifier;
import dev.rekey.core.audit.Audited;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The audit writer on a real database with events as the server makes them: nanosecond times and
 * text that needs normalizing (a NUL) are stored, and the chain verifies.
 */
abstract class AuditLogOnStoreContract extends StoreContract {
  private static final Instant NANOS = Instant.parse("2026-11-22T17:00:00.123456789Z");

  private static AuditEvent event(String key) {
    return new AuditEvent(NANOS, "req-1", "alice", "tok-1", "secret.write", "default", key, 1, "allowed", null,
        "127.0.0.1", null);
  }

  @Test
  void recordsAndWritesWithNanosecondTimesAndControlCharacters_areStoredAndVerify() throws Exception {
    AuditSigningKey signing = AuditSigningKey.generate();
    AuditLog log = AuditLog.start(store.audit(), store.transactions(), () -> signing, AuditLogConfig.DEFAULTS,
        Clock.systemUTC());
    try {
      AuditRecord plain = log.submit(event("a\u0000b")).get(30, TimeUnit.SECONDS);
      Audited<String> write = log.submitWrite(() -> "done", r -> { }, (r, failure) -> event("k"))
          .get(30, TimeUnit.SECONDS);

      assertThat(plain.event().time()).isEqualTo(Instant.parse("2026-11-22T17:00:00.123456Z"));
      assertThat(plain.event().keyName()).isEqualTo("a\uFFFDb");
      assertThat(write.value()).isEqualTo("done");
      assertThat(write.failure()).isNull();
    } finally {
      log.close();
    }
    var verification = new AuditVerifier(store.audit(), signing.publicKey()).verify();
    assertThat(verification.valid()).as(String.valueOf(verification.reason())).isTrue();
    assertThat(verification.records()).isEqualTo(2);
  }
}
