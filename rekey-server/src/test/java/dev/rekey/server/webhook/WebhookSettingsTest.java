package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {
  @Test
  void from_empty_givesDefaults() {
    assertThat(WebhookSettings.from(Map.of())).isEqualTo(WebhookSettings.DEFAULTS);
  }

  @Test
  void from_values_overrideDefaults_andLeaseOutlastsTheTimeout() {
    WebhookSettings s = WebhookSettings.from(Map.of("REKEY_WEBHOOK_MAX_ATTEMPTS", "3",
        "REKEY_WEBHOOK_INITIAL_DELAY", "PT1S", "REKEY_WEBHOOK_MAX_DELAY", "PT30S", "REKEY_WEBHOOK_TIMEOUT", "PT2S",
        "REKEY_WEBHOOK_SENDERS", "2"));
    assertThat(s.backoff().maxAttempts()).isEqualTo(3);
    assertThat(s.backoff().initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.backoff().maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.senders()).isEqualTo(2);
    assertThat(s.lease()).isGreaterThan(s.timeout().multipliedBy(2));
  }

  @Test
  void lease_outlastsTheLongestAttempt_theLookupAndTheRequest_withRoomToSpare() {
    for (String timeout : new String[] {"PT1S", "PT10S", "PT60S"}) {
      WebhookSettings s = WebhookSettings.from(Map.of("REKEY_WEBHOOK_TIMEOUT", timeout));
      // the lookup waits up to the timeout, then the request up to the timeout again
      Duration longestAttempt = s.timeout().multipliedBy(2);
      Duration toSpare = s.lease().minus(longestAttempt);
      assertThat(toSpare).as(timeout).isGreaterThanOrEqualTo(Duration.ofSeconds(10))
          .isGreaterThanOrEqualTo(s.timeout());
    }
    assertThat(WebhookSettings.DEFAULTS.lease()).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void from_badValues_throwNamingTheVariable() {
    assertThatThrownBy(() -> WebhookSettings.from(Map.of("REKEY_WEBHOOK_TIMEOUT", "10s")))
        .hasMessageContaining("REKEY_WEBHOOK_TIMEOUT").hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> WebhookSettings.from(Map.of("REKEY_WEBHOOK_MAX_ATTEMPTS", "many")))
        .hasMessageContaining("REKEY_WEBHOOK_MAX_ATTEMPTS");
    assertThatThrownBy(() -> WebhookSettings.from(Map.of("REKEY_WEBHOOK_MAX_ATTEMPTS", "0")))
        .hasMessageContaining("attempts");
    assertThatThrownBy(() -> WebhookSettings.from(Map.of("REKEY_WEBHOOK_SENDERS", "0")))
        .hasMessageContaining("REKEY_WEBHOOK_SENDERS");
  }
}
