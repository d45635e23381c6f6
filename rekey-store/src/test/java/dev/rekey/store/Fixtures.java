package dev.rekey.store;

import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test values with nanosecond times, so that exact round trips are checked. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456789Z");

  private Fixtures() {}

  static Instant t(int hours) {
    return T0.plus(Duration.ofHours(hours)).plusNanos(hours);
  }

  static WrappedKey material(String label, String root) {
    return new WrappedKey(("wrapped-" + label).getBytes(StandardCharsets.UTF_8), root);
  }

  static Key simple(String namespace, String name) {
    return Key.create(namespace, name, KeyType.AES256_GCM, Map.of("team", "payments"), material(name + "-1", "root-1"), T0);
  }

  /** A key with versions in every lifecycle state: v1..v8 = RETIRED, DISABLED, REVOKED,
   *  DESTROY_SCHEDULED, DESTROYED, ACTIVE, PRIMARY, PENDING. */
  static Key everyState(String namespace, String name) {
    Key k = Key.create(namespace, name, KeyType.HMAC_SHA256, Map.of("env", "prod", "owner/team", "sec:ops"),
        material("v1", "root-1"), T0);
    for (int v = 2; v <= 7; v++) {
      k = k.rotate(material("v" + v, "root-1"), true, t(v));
    }
    k = k.rotate(material("v8", "root-1"), false, t(8));
    k = k.retire(1, t(9));
    k = k.disable(2, t(10));
    k = k.revoke(3, t(11));
    k = k.disable(4, t(12)).scheduleDestruction(4, t(1000), t(13));
    k = k.revoke(5, t(14)).scheduleDestruction(5, t(20), t(15)).destroy(5, t(21));
    return k;
  }

  static TokenRecord token(String id, Instant expires) {
    return new TokenRecord(id, "hash-of-" + id, "alice",
        List.of(Grant.everywhere(Role.ADMIN), new Grant(Role.CRYPTO_USER, "pay*", "card-*")),
        T0, expires, null, "bootstrap");
  }

  static AuditEvent event(String action, int n) {
    return new AuditEvent(t(n), "req-" + n, "alice", "tok-1", action, "default", "k" + n, n % 3, "allowed",
        null, "10.0.0." + (n % 250), "n=" + n);
  }
}
