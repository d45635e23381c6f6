package dev.rekey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.WrappedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JitterTest {
  private static final Instant T = Instant.parse("2026-04-01T00:00:00Z");

  private static Key key(String name) {
    return Key.create("default", name, KeyType.AES256_GCM, Map.of(), new WrappedKey(new byte[] {1, 2, 3}, "root-1"), T);
  }

  private static RotationPolicy policy(String jitter) {
    return RotationPolicy.from(new PolicySpec("namespace:default", "P1D", null, null, null, null, null, null, jitter,
        null, null), "");
  }

  @Test
  void jitter_isBelowTheBound_stablePerKeyAndTime_andSpreadsKeys() {
    RotationPolicy p = policy("PT1H");
    Set<Long> minutes = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Duration d = KeyPass.jitter(p, key("k" + i), T);
      assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofHours(1));
      assertThat(KeyPass.jitter(p, key("k" + i), T)).isEqualTo(d);
      minutes.add(d.toMinutes());
    }
    assertThat(minutes).hasSizeGreaterThan(40);
  }

  @Test
  void noJitter_isZero() {
    assertThat(KeyPass.jitter(policy(null), key("k"), T)).isZero();
  }
}
