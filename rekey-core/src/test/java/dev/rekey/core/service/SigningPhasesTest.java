package dev.rekey.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JWKS phases with an injected clock: a verifier that refetches the JWKS only when its cached
 * copy expires (Cache-Control max-age) must never meet a kid it does not know, as long as each new
 * version is published (PENDING) at least one max-age before it is promoted, and a previous primary
 * stays published for the token lifetime plus one max-age. Weekly rotations over 30 days.
 */
class SigningPhasesTest {
  private static final Duration MAX_AGE = Duration.ofSeconds(300);
  private static final Duration TOKEN_TTL = Duration.ofHours(1);
  private static final Duration OVERLAP = TOKEN_TTL.plus(MAX_AGE);
  private static final Duration ROTATE_EVERY = Duration.ofDays(7);
  private static final Duration STEP = Duration.ofMinutes(1);

  private record Token(String kid, Instant expires) {}

  /** Runs the simulation; returns the kids the verifier met without knowing them. */
  private static Set<String> simulate(Duration leadTime) {
    Services s = new Services();
    SigningService signing = new SigningService(s.cache, s.clock, OVERLAP);
    Key key = s.keys.create(Services.NS, "issuer", KeyType.ED25519, Map.of());
    Set<String> unknown = new HashSet<>();
    Set<String> cachedKids = new HashSet<>();
    Instant fetchedAt = null;
    Deque<Token> live = new ArrayDeque<>();
    Instant end = Services.T0.plus(Duration.ofDays(30));
    // Rotations are not aligned with the verifier's refetches (every MAX_AGE from T0).
    Instant nextRotation = Services.T0.plus(ROTATE_EVERY).plus(Duration.ofMinutes(2));
    boolean prepared = false;
    while (s.clock.instant().isBefore(end)) {
      Instant now = s.clock.instant();
      if (!prepared && !now.isBefore(nextRotation.minus(leadTime))) {
        key = s.keys.rotate(Services.NS, "issuer", false); // publish the next version as PENDING
        prepared = true;
      }
      if (prepared && !now.isBefore(nextRotation)) {
        key = s.keys.changeVersion(Services.NS, "issuer", key.latestVersion(), VersionAction.PROMOTE, null);
        prepared = false;
        nextRotation = nextRotation.plus(ROTATE_EVERY);
      }
      if (fetchedAt == null || !now.isBefore(fetchedAt.plus(MAX_AGE))) {
        cachedKids.clear();
        for (Map<String, Object> jwk : signing.jwks(key)) {
          cachedKids.add((String) jwk.get("kid"));
        }
        fetchedAt = now;
      }
      CryptoService.Produced sig = signing.sign(Services.NS, "issuer", new byte[] {1}, false);
      live.add(new Token(SigningService.kid(key, sig.version()), now.plus(TOKEN_TTL)));
      while (!live.isEmpty() && !live.peekFirst().expires().isAfter(now)) {
        live.removeFirst();
      }
      for (Token t : live) {
        if (!cachedKids.contains(t.kid())) {
          unknown.add(t.kid());
        }
      }
      s.clock.advance(STEP);
    }
    return unknown;
  }

  @Test
  void scheduledRotations_withLeadTimeOfOneMaxAge_verifierNeverMeetsAnUnknownKid() {
    assertThat(simulate(MAX_AGE.multipliedBy(2))).isEmpty();
  }

  @Test
  void scheduledRotations_withoutLeadTime_verifierMeetsUnknownKids_soTheCheckCanFail() {
    assertThat(simulate(Duration.ZERO)).isNotEmpty();
  }

  @Test
  void previousPrimary_leavesTheJwksAfterTheOverlap_butStillVerifies() {
    Services s = new Services();
    SigningService signing = new SigningService(s.cache, s.clock, OVERLAP);
    s.keys.create(Services.NS, "old", KeyType.ED25519, Map.of());
    String v1 = signing.sign(Services.NS, "old", new byte[] {7}, false).text();
    Key key = s.keys.rotate(Services.NS, "old", true);
    assertThat(kids(signing.jwks(key))).containsExactly("old-v2", "old-v1");
    s.clock.advance(OVERLAP.plusSeconds(1));
    assertThat(kids(signing.jwks(key))).containsExactly("old-v2");
    assertThat(signing.verify(Services.NS, "old", new byte[] {7}, false, v1).valid()).isTrue();
  }

  private static List<String> kids(List<Map<String, Object>> jwks) {
    return jwks.stream().map(j -> (String) j.get("kid")).toList();
  }
}
