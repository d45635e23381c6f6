package dev.rekey.store;

import static dev.rekey.store.Fixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.store.JdbcEventOutbox.StoredEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transactional outbox, run on every dialect. */
abstract class EventOutboxContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-03-01T10:15:30.123456789Z");

  static Event event(String subject) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", "orders");
    data.put("version", 3);
    data.put("primary", true);
    data.put("note", null);
    return Event.of(EventType.KEY_NEW_VERSION_CREATED, T, "default", subject, Map.of("team", "payments"), data);
  }

  @Test
  void append_roundTripsEveryField_inOrder() {
    Event first = event("keys/orders/versions/1");
    Event second = event("keys/orders/versions/2");
    store.events().append(List.of(first, second));

    List<StoredEvent> read = store.events().undispatched(10);
    assertThat(read).extracting(StoredEvent::event).containsExactly(first, second);
    assertThat(read.get(0).seq()).isLessThan(read.get(1).seq());
    assertThat(read.get(0).event().data()).containsEntry("version", 3).containsEntry("primary", true)
        .containsEntry("note", null);
  }

  @Test
  void append_rollsBackWithTheChangeItDescribes() {
    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.keys().insert(simple("default", "k"));
      store.events().append(List.of(event("keys/k/versions/1")));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");

    assertThat(store.keys().find("default", "k")).isEmpty();
    assertThat(store.events().after(0, 10)).isEmpty();
  }

  /**
   * A refused append inside a transaction stores none of its events, and the transaction goes on:
   * for a list stored by one statement (SQLite, no savepoint) and for a longer one.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, JdbcEventOutbox.MAX_ROWS_PER_INSERT + 1})
  void aFailedAppend_storesNoneOfItsEvents_andTheTransactionGoesOn(int size) {
    Event stored = event("a");
    store.events().append(List.of(stored));
    List<Event> refused = new java.util.ArrayList<>();
    for (int i = 1; i < size; i++) {
      refused.add(event("b" + i));
    }
    refused.add(stored); // the last repeats an id: the unique index refuses it, after the others went in
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "k"));
      assertThatThrownBy(() -> store.events().append(refused)).isInstanceOf(dev.rekey.core.RekeyException.class);
      store.events().append(List.of(event("c")));
    });

    assertThat(store.keys().find("default", "k")).isPresent();
    assertThat(store.events().after(0, 100)).extracting(e -> e.event().subject()).containsExactly("a", "c");
  }

  /** Positions follow list order, whether a list is stored by one statement or row by row. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, JdbcEventOutbox.MAX_ROWS_PER_INSERT,
      JdbcEventOutbox.MAX_ROWS_PER_INSERT + 1})
  void append_keepsListOrder(int size) {
    List<Event> events = new java.util.ArrayList<>();
    for (int i = 0; i < size; i++) {
      events.add(event("e" + i));
    }
    store.events().append(events);

    List<StoredEvent> read = store.events().after(0, 100);
    assertThat(read).extracting(StoredEvent::event).containsExactlyElementsOf(events);
    assertThat(read).extracting(StoredEvent::seq).isSorted();
  }

  @Test
  void markDispatched_marksEachEventOnce_andHidesItFromUndispatched() {
    store.events().append(List.of(event("a"), event("b"), event("c")));
    List<Long> seqs = store.events().undispatched(10).stream().map(StoredEvent::seq).toList();

    assertThat(store.events().markDispatched(seqs.subList(0, 2), T)).containsExactlyElementsOf(seqs.subList(0, 2));
    assertThat(store.events().markDispatched(seqs, T)).containsExactly(seqs.get(2));
    assertThat(store.events().undispatched(10)).isEmpty();
    assertThat(store.events().after(seqs.get(0), 10)).hasSize(2);
  }

  /** Dispatchers mark what they read, in order; one that read less, or read it again, marks nothing twice. */
  @Test
  void markDispatched_acrossSeveralStatements_marksExactlyTheUnmarkedOnes() {
    int n = JdbcEventOutbox.MARK_CHUNK * 2 + 7;
    List<Event> events = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(event("e" + i));
    }
    store.events().append(events);
    List<Long> seqs = store.events().undispatched(n).stream().map(StoredEvent::seq).toList();
    List<Long> firstRead = seqs.subList(0, JdbcEventOutbox.MARK_CHUNK + 1);
    assertThat(store.events().markDispatched(firstRead, T)).containsExactlyElementsOf(firstRead);

    assertThat(store.events().markDispatched(seqs, T)).containsExactlyElementsOf(seqs.subList(firstRead.size(), n));
    assertThat(store.events().markDispatched(seqs, T)).isEmpty();
    assertThat(store.events().markDispatched(firstRead, T)).isEmpty();
    assertThat(store.events().markDispatched(List.of(), T)).isEmpty();
    assertThat(store.events().undispatched(n)).isEmpty();
  }

  @Test
  void eventsAppendedAfterAMark_areUndispatched_andAnOlderReadNeverHidesThem() {
    store.events().append(List.of(event("a"), event("b")));
    List<Long> first = store.events().undispatched(10).stream().map(StoredEvent::seq).toList();
    store.events().append(List.of(event("c")));
    List<Long> second = store.events().undispatched(10).stream().map(StoredEvent::seq).toList();

    assertThat(store.events().markDispatched(second, T)).containsExactlyElementsOf(second);
    assertThat(store.events().markDispatched(first, T)).isEmpty();
    store.events().append(List.of(event("d")));

    assertThat(store.events().undispatched(10)).singleElement()
        .satisfies(e -> assertThat(e.event().subject()).isEqualTo(event("d").subject()));
  }
}
