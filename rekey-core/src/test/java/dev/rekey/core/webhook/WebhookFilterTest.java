package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookFilterTest {
  private static final Instant T = Instant.parse("2026-05-01T00:00:00Z");
  private static final Event CREATED = Event.of(EventType.KEY_NEW_VERSION_CREATED, T, "payments",
      "keys/orders/versions/2", Map.of("team", "pay", "env", "prod"), Map.of("key", "orders"));

  private static Webhook hook(Set<EventType> types, String namespace, Map<String, String> tags) {
    return new Webhook("wh_1", "https://example.test/hook", types, namespace, tags, true,
        new WrappedKey(new byte[] {1}, "root-1"), T, T);
  }

  @Test
  void matches_emptyFilter_matchesEverything() {
    assertThat(hook(Set.of(), null, Map.of()).matches(CREATED)).isTrue();
  }

  @Test
  void matches_eventType_mustBeListed() {
    assertThat(hook(Set.of(EventType.KEY_NEW_VERSION_CREATED, EventType.KEY_EXPIRED), null, Map.of())
        .matches(CREATED)).isTrue();
    assertThat(hook(Set.of(EventType.KEY_VERSION_STATE_CHANGED), null, Map.of()).matches(CREATED)).isFalse();
  }

  @Test
  void matches_namespace_mustBeEqual() {
    assertThat(hook(Set.of(), "payments", Map.of()).matches(CREATED)).isTrue();
    assertThat(hook(Set.of(), "default", Map.of()).matches(CREATED)).isFalse();
  }

  @Test
  void matches_tags_allPairsMustMatch() {
    assertThat(hook(Set.of(), null, Map.of("team", "pay")).matches(CREATED)).isTrue();
    assertThat(hook(Set.of(), null, Map.of("team", "pay", "env", "prod")).matches(CREATED)).isTrue();
    assertThat(hook(Set.of(), null, Map.of("team", "pay", "env", "dev")).matches(CREATED)).isFalse();
    assertThat(hook(Set.of(), null, Map.of("owner", "x")).matches(CREATED)).isFalse();
  }

  @Test
  void matches_disabled_matchesNothing() {
    assertThat(hook(Set.of(), null, Map.of()).withEnabled(false, T).matches(CREATED)).isFalse();
  }

  @Test
  void eventTypes_shortAndCloudEventNames_parse_unknownThrows() {
    assertThat(WebhookService.eventTypes(List.of("KeyNewVersionCreated", "dev.rekey.KeyExpired")))
        .containsExactlyInAnyOrder(EventType.KEY_NEW_VERSION_CREATED, EventType.KEY_EXPIRED);
    assertThatThrownBy(() -> WebhookService.eventTypes(List.of("KeyDeleted"))).isInstanceOf(RekeyException.class)
        .hasMessageContaining("unknown event type 'KeyDeleted'").hasMessageContaining("KeyNearExpiry");
  }

  @Test
  void urls_onlyAbsoluteHttpWithoutCredentials() {
    assertThat(WebhookUrls.check("https://hooks.example.test/rekey?x=1")).isNotNull();
    assertThat(WebhookUrls.check("http://127.0.0.1:8080/")).isNotNull();
    for (String bad : new String[] {"ftp://x/", "/relative", "https://", "https://user:pw@x.test/", "https://x.test/#f",
        "not a url", ""}) {
      assertThatThrownBy(() -> WebhookUrls.check(bad)).as(bad).isInstanceOf(RekeyException.class)
          .hasMessageContaining("url");
    }
  }
}
