package dev.rekey.server.rotators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.OutboundPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The longest step each rotator that calls out declares: the engine leases a rotation for longer
 * than that before each step, so it must cover every timeout the step may wait through.
 */
class RotatorStepDurationTest {
  private static final String URL = "jdbc:postgresql://db.example.test:5432/app";

  @Test
  void postgres_threeLoginTimeouts_plusTheStatementsSocketTimeout_plusSpare() {
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.DEFAULT);
    Duration login = PostgresRotator.LOGIN_TIMEOUT.multipliedBy(PinnedLogin.ATTEMPTS_IN_TIME);

    assertThat(rotator.maxStepDuration(Map.of("url", URL))).as("the rotator's default socket timeout")
        .isEqualTo(login.plus(PostgresRotator.SOCKET_TIMEOUT).plus(PostgresRotator.STEP_SPARE))
        .isEqualTo(Duration.ofSeconds(70));
    assertThat(rotator.maxStepDuration(Map.of("url", URL + "?socketTimeout=300&connectTimeout=5")))
        .as("the URL's own, up to the longest allowed").isEqualTo(Duration.ofSeconds(30 + 300 + 10));
    assertThat(rotator.maxStepDuration(Map.of("url", URL + "?socketTimeout=5"))).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void postgres_aUrlItCannotRead_countsAsTheLongestSocketTimeout() {
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.DEFAULT);
    Duration longest = Duration.ofSeconds(30 + PostgresRotator.MAX_TIMEOUT_SECONDS + 10);

    assertThat(rotator.maxStepDuration(Map.of())).isEqualTo(longest);
    assertThat(rotator.maxStepDuration(Map.of("url", "not a url"))).isEqualTo(longest);
    assertThat(rotator.maxStepDuration(Map.of("url", URL + "?socketTimeout=0"))).isEqualTo(longest);
    assertThat(rotator.maxStepDuration(Map.of("url", URL + "?socketTimeout=x"))).isEqualTo(longest);
  }

  @Test
  void externalHook_theLookupAndTheRequest_eachUpToTheTimeout_plusSpare() {
    ExternalHookRotator rotator = new ExternalHookRotator((url, headers, body) -> DeliveryOutcome.failed("unused"),
        OutboundPolicy.DEFAULT, Clock.systemUTC(), Duration.ofSeconds(10));

    assertThat(rotator.maxStepDuration(Map.of())).isEqualTo(Duration.ofSeconds(30));
  }
}
