package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.KeyType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every stored change of a key comes with the events that describe it, and nothing else does. */
class KeyServiceEventsTest {
  private final Services s = new Services();

  @Test
  void create_emitsNewVersionCreatedForVersionOne_withTheKeysTags() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of("team", "payments"));

    assertThat(s.events.events()).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(EventType.KEY_NEW_VERSION_CREATED);
      assertThat(e.subject()).isEqualTo("keys/orders/versions/1");
      assertThat(e.namespace()).isEqualTo(NS);
      assertThat(e.tags()).containsEntry("team", "payments");
      assertThat(e.data()).containsEntry("version", 1).containsEntry("state", "PRIMARY")
          .containsEntry("key_type", "aes256-gcm");
      assertThat(e.time()).isEqualTo(Services.T0);
    });
  }

  @Test
  void rotate_emitsTheNewVersion_andTheOldPrimarysStateChange() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.events.clear();

    s.keys.rotate(NS, "orders", true);

    assertThat(s.events.events()).extracting(Event::type, Event::subject).containsExactly(
        org.assertj.core.groups.Tuple.tuple(EventType.KEY_VERSION_STATE_CHANGED, "keys/orders/versions/1"),
        org.assertj.core.groups.Tuple.tuple(EventType.KEY_NEW_VERSION_CREATED, "keys/orders/versions/2"));
    assertThat(s.events.ofType(EventType.KEY_VERSION_STATE_CHANGED).get(0).data())
        .containsEntry("previous_state", "PRIMARY").containsEntry("state", "ACTIVE");
  }

  @Test
  void pendingRotationThenPromote_emitsCreatedPendingThenTwoStateChanges() {
    s.keys.create(NS, "orders", KeyType.ED25519, Map.of());
    s.keys.rotate(NS, "orders", false);
    assertThat(s.events.ofType(EventType.KEY_NEW_VERSION_CREATED).get(1).data()).containsEntry("state", "PENDING");
    s.events.clear();

    s.keys.changeVersion(NS, "orders", 2, VersionAction.PROMOTE, null);

    assertThat(s.events.ofType(EventType.KEY_VERSION_STATE_CHANGED)).hasSize(2);
  }

  @Test
  void aRefusedChange_emitsNothing() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.events.clear();

    assertThatThrownBy(() -> s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null));

    assertThat(s.events.events()).isEmpty();
  }

  @Test
  void tagChange_emitsNoVersionEvent() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.events.clear();

    s.keys.update(NS, "orders", null, null, Map.of("a", "b"));

    assertThat(s.events.events()).isEmpty();
  }

  @Test
  void eventData_refusesAnythingButScalars() {
    assertThatThrownBy(() -> Event.of(EventType.KEY_EXPIRED, Services.T0, NS, "x", Map.of(),
        Map.of("material", new byte[] {1}))).isInstanceOf(IllegalArgumentException.class);
  }
}
