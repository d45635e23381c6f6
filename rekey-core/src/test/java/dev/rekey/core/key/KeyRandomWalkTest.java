package dev.rekey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded random walk over every key operation: whatever sequence of operations is tried, a key
 * never breaks an invariant, every version only makes legal transitions, and refused operations
 * are refused with a {@link RekeyException} of a client-facing code, never anything else.
 */
class KeyRandomWalkTest {
  private static final long[] SEEDS = {1L, 7L, 42L, 2026L, 0xC0FFEEL};
  private static final int STEPS = 4_000;

  @Test
  void randomOperations_anySequence_keepInvariantsAndLegalTransitions() {
    Map<String, Integer> outcomes = new java.util.TreeMap<>();
    for (long seed : SEEDS) {
      walk(seed, outcomes);
    }
    // Every operation succeeded, and every one that can be refused was refused, at least once.
    assertThat(outcomes.getOrDefault("rotate:ok", 0)).isPositive();
    for (String op : new String[] {"promote", "retire", "disable", "enable", "revoke", "schedule",
        "cancel", "destroy", "minDec", "minEnc"}) {
      assertThat(outcomes.getOrDefault(op + ":ok", 0)).as(op + " succeeded").isPositive();
      assertThat(outcomes.getOrDefault(op + ":refused", 0)).as(op + " refused").isPositive();
    }
  }

  private static void walk(long seed, Map<String, Integer> outcomes) {
    Random r = new Random(seed);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Key key = Key.create("default", "walk", KeyType.AES256_GCM, Map.of(), KeyTest.material(1), now);
    Map<VersionState, Integer> seen = new EnumMap<>(VersionState.class);
    for (int i = 0; i < STEPS; i++) {
      now = now.plus(Duration.ofHours(r.nextInt(48)));
      if (key.latestVersion() > 40) {
        key = Key.create("default", "walk", KeyType.AES256_GCM, Map.of(), KeyTest.material(1), now);
      }
      int n = 1 + r.nextInt(key.latestVersion() + 1); // sometimes one past the last version
      String op = OPS[r.nextInt(OPS.length)];
      Key next;
      try {
        next = apply(key, op, n, now, r);
      } catch (RekeyException e) {
        assertThat(e.code()).as("seed %s step %s %s v%s: %s", seed, i, op, n, e.getMessage())
            .isIn(ErrorCode.ILLEGAL_STATE, ErrorCode.INVALID_REQUEST, ErrorCode.NOT_FOUND);
        outcomes.merge(op + ":refused", 1, Integer::sum);
        continue;
      } catch (RuntimeException e) {
        fail("seed " + seed + " step " + i + " " + op + " v" + n + ": unexpected " + e, e);
        return;
      }
      outcomes.merge(op + ":ok", 1, Integer::sum);
      KeyInvariants.check(next);
      assertThat(next.revision()).isEqualTo(key.revision() + 1);
      assertThat(next.latestVersion()).isGreaterThanOrEqualTo(key.latestVersion());
      for (KeyVersion before : key.versions()) {
        KeyVersion after = next.requireVersion(before.number());
        if (after.state() != before.state()) {
          assertThat(before.state().canMoveTo(after.state()))
              .as("seed %s step %s %s: v%s %s -> %s", seed, i, op, before.number(), before.state(), after.state())
              .isTrue();
        }
        if (before.revokedAt() != null) {
          assertThat(after.revokedAt()).isEqualTo(before.revokedAt());
        }
        assertThat(after.createdAt()).isEqualTo(before.createdAt());
      }
      next.versions().forEach(v -> seen.merge(v.state(), 1, Integer::sum));
      key = next;
    }
    assertThat(seen.keySet()).as("seed %s reached every state", seed).containsExactlyInAnyOrder(VersionState.values());
  }

  private static final String[] OPS = {"rotate", "rotate", "promote", "retire", "disable", "enable", "revoke",
      "schedule", "cancel", "destroy", "destroy", "minDec", "minEnc"};

  private static Key apply(Key key, String op, int n, Instant t, Random r) {
    WrappedKey fresh = KeyTest.material(key.latestVersion() + 1);
    return switch (op) {
      case "rotate" -> key.rotate(fresh, r.nextBoolean(), t);
      case "promote" -> key.promote(n, t);
      case "retire" -> key.retire(n, t);
      case "disable" -> key.disable(n, t);
      case "enable" -> key.enable(n, t);
      case "revoke" -> r.nextInt(4) == 0 ? key.emergencyRotate(fresh, t) : key.revoke(n, t);
      case "schedule" -> key.scheduleDestruction(n, t.plus(Duration.ofHours(r.nextInt(72) - 2)), t);
      case "cancel" -> key.cancelDestruction(n, t);
      case "destroy" -> key.destroy(n, t);
      case "minDec" -> key.withMinDecryptionVersion(r.nextInt(key.latestVersion() + 1), t);
      case "minEnc" -> key.withMinEncryptionVersion(r.nextInt(key.latestVersion() + 1));
      default -> throw new AssertionError(op);
    };
  }
}
