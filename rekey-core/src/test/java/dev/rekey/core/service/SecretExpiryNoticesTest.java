package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemorySecretRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SecretNearExpiry at 30, 7 and 1 days and SecretExpired, each once per version, also after downtime. */
class SecretExpiryNoticesTest {
  private final Services s = new Services();
  private final InMemorySecretRepository repo = new InMemorySecretRepository();
  private final InMemoryEventOutbox events = new InMemoryEventOutbox();
  private final SecretService secrets = new SecretService(repo, Transactions.direct(), events, () -> s.ring, s.clock,
      Duration.ofDays(7));
  private final SecretExpiryNotices notices = new SecretExpiryNotices(repo, Transactions.direct(), events, s.clock);

  private List<String> fired() {
    return events.events().stream().filter(e -> e.type() == EventType.SECRET_NEAR_EXPIRY
        || e.type() == EventType.SECRET_EXPIRED).map(e -> e.type().shortName() + " " + e.data().get("threshold"))
        .toList();
  }

  private void put(String name, Duration ttl) {
    secrets.put(NS, name, "v".getBytes(StandardCharsets.UTF_8),
        new SecretService.PutOptions(null, null, ttl, false, null));
  }

  @Test
  void eachThresholdFiresOnce_inOrder_andDowntimeCatchesUp() {
    put("db", Duration.ofDays(40));

    notices.runDue(10);
    assertThat(fired()).isEmpty();
    s.clock.advance(Duration.ofDays(10));
    notices.runDue(10);
    notices.runDue(10);
    assertThat(fired()).containsExactly("SecretNearExpiry P30D");

    s.clock.advance(Duration.ofDays(35)); // down across the 7-day, 1-day and expiry times
    notices.runDue(10);
    notices.runDue(10);
    assertThat(fired()).containsExactly("SecretNearExpiry P30D", "SecretNearExpiry P7D", "SecretNearExpiry P1D",
        "SecretExpired null");
    Event expired = events.ofType(EventType.SECRET_EXPIRED).get(0);
    assertThat(expired.subject()).isEqualTo("secrets/db/versions/1");
    assertThat(expired.data()).containsEntry("labels", "CURRENT");
  }

  @Test
  void aShortLivedVersion_isNotToldItHas30DaysLeft() {
    put("token", Duration.ofDays(10));

    s.clock.advance(Duration.ofDays(3).plusHours(1));
    notices.runDue(10);

    assertThat(fired()).containsExactly("SecretNearExpiry P7D");
  }

  @Test
  void retiredVersions_stopBeingAnnounced() {
    put("api", Duration.ofDays(20));
    put("api", Duration.ofDays(60));
    put("api", Duration.ofDays(60)); // version 1 is now retired

    s.clock.advance(Duration.ofDays(21));
    notices.runDue(10);

    assertThat(events.ofType(EventType.SECRET_NEAR_EXPIRY)).isEmpty();
    assertThat(events.ofType(EventType.SECRET_EXPIRED)).isEmpty();
  }
}
