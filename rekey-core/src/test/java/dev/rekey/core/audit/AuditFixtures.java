package dev.rekey.core.audit;

import dev.rekey.core.port.SystemRepository;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Events and fakes shared by the audit tests. */
final class AuditFixtures {
  static final Instant T0 = Instant.parse("2024-01-02T03:04:05.123456Z");

  private AuditFixtures() {}

  static AuditEvent event(int i) {
    return new AuditEvent(T0.plusMillis(i), "req-" + i, "alice", "tok-1", "key.encrypt", "payments", "card-kek", 3,
        "allowed", null, "10.0.0.1", "n=" + i);
  }

  /**
   * A tiny thread-safe {@link SystemRepository}, private to the audit tests (a shared one is being
   * written in dev.rekey.core.testing).
   */
  static final class FakeSystemRepository implements SystemRepository {
    final ConcurrentHashMap<String, byte[]> values = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> get(String name) {
      return Optional.ofNullable(values.get(name)).map(byte[]::clone);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] value) {
      return values.putIfAbsent(name, value.clone()) == null;
    }

    @Override
    public synchronized boolean compareAndSet(String name, byte[] expected, byte[] value) {
      byte[] current = values.get(name);
      if (current == null || !Arrays.equals(current, expected)) {
        return false;
      }
      values.put(name, value.clone());
      return true;
    }
  }
}
