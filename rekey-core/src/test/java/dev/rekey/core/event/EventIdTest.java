package dev.rekey.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdTest {
  private static final Instant T = Instant.parse("2026-11-22T16:00:00.123Z");

  @Test
  void idsAreVersion7UuidsCarryingTheEventTime() {
    UUID id = Event.of(EventType.SECRET_NEW_VERSION_CREATED, T, "default", "secrets/a", Map.of(), Map.of()).id();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(T.toEpochMilli());
  }

  @Test
  void laterEventsSortAfterEarlierOnesAndIdsAreUnique() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(Event.timeOrderedId(T.plusMillis(i)).toString());
    }
    assertThat(ids).isSorted(); // canonical text order is the byte order the index uses
    var sameMillisecond = new HashSet<UUID>();
    for (int i = 0; i < 10_000; i++) {
      sameMillisecond.add(Event.timeOrderedId(T));
    }
    assertThat(sameMillisecond).hasSize(10_000);
  }
}
