package dev.rekey.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerPropagationTest {
  private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

  private static Event event(EventType type, int version, String state) {
    return Event.of(type, T, "default", "keys/orders/versions/" + version, Map.of("team", "pay"),
        Map.of("key", "orders", "version", version, "state", state));
  }

  @Test
  void rotation_newPrimaryOrPromotion_isARotation() {
    assertThat(ConsumerPropagation.rotation(event(EventType.KEY_NEW_VERSION_CREATED, 2, "PRIMARY")))
        .contains(new ConsumerPropagation.Rotation("default", "orders", 2, Map.of("team", "pay")));
    assertThat(ConsumerPropagation.rotation(event(EventType.KEY_VERSION_STATE_CHANGED, 3, "PRIMARY")))
        .map(ConsumerPropagation.Rotation::version).contains(3);
  }

  @Test
  void rotation_keyCreationPendingVersionsAndOtherStates_areNot() {
    assertThat(ConsumerPropagation.rotation(event(EventType.KEY_NEW_VERSION_CREATED, 1, "PRIMARY"))).isEmpty();
    assertThat(ConsumerPropagation.rotation(event(EventType.KEY_NEW_VERSION_CREATED, 2, "PENDING"))).isEmpty();
    assertThat(ConsumerPropagation.rotation(event(EventType.KEY_VERSION_STATE_CHANGED, 1, "ACTIVE"))).isEmpty();
  }

  @Test
  void rotation_secretNewCurrentOrPromotion_isARotationOfTheSecret() {
    Event created = Event.of(EventType.SECRET_NEW_VERSION_CREATED, T, "default", "secrets/db-url/versions/2", Map.of(),
        Map.of("secret", "db-url", "version", 2, "state", "PRIMARY"));
    assertThat(ConsumerPropagation.rotation(created)).map(ConsumerPropagation.Rotation::subject)
        .contains(BindingSubject.secret("db-url"));
    Event promoted = Event.of(EventType.SECRET_VERSION_STATE_CHANGED, T, "default", "secrets/db-url/versions/3",
        Map.of(), Map.of("secret", "db-url", "version", 3, "state", "PRIMARY"));
    assertThat(ConsumerPropagation.rotation(promoted)).map(ConsumerPropagation.Rotation::version).contains(3);
    Event first = Event.of(EventType.SECRET_NEW_VERSION_CREATED, T, "default", "secrets/db-url/versions/1", Map.of(),
        Map.of("secret", "db-url", "version", 1, "state", "PRIMARY"));
    assertThat(ConsumerPropagation.rotation(first)).isEmpty();
    // a secret event naming a key (or a key event naming a secret) is not mistaken for the other kind
    assertThat(ConsumerPropagation.rotation(event(EventType.SECRET_NEW_VERSION_CREATED, 2, "PRIMARY"))).isEmpty();
  }

  @Test
  void latest_keepsTheHighestVersionPerPrincipalAndKey() {
    var a1 = new ConsumerPropagation.Observation("default", "svc", "orders", 1, T);
    var a2 = new ConsumerPropagation.Observation("default", "svc", "orders", 2, T.plusSeconds(1));
    var b1 = new ConsumerPropagation.Observation("default", "svc", "ledger", 1, T);
    assertThat(ConsumerPropagation.latest(List.of(a2, a1, b1))).containsExactly(a2, b1);
  }

  @Test
  void observationBuffer_drainsOncePerKeyWithTheHighestVersion() {
    ObservationBuffer buffer = new ObservationBuffer();
    buffer.offer("default", "svc", "orders", 2, T);
    buffer.offer("default", "svc", "orders", 1, T.plusSeconds(1));
    buffer.offer("default", null, "orders", 3, T);
    buffer.offer("default", "svc", "orders", 0, T);
    assertThat(buffer.drain()).singleElement().extracting(ConsumerPropagation.Observation::version).isEqualTo(2);
    assertThat(buffer.drain()).isEmpty();
  }
}
