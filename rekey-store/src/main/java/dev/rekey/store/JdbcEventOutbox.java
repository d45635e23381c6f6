package dev.rekey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.port.EventLog;
import dev.rekey.core.port.EventOutbox;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox in table {@code events}. {@link #append} joins the caller's transaction; delivery
 * reads undispatched events with {@link #undispatched} and marks them with {@link #markDispatched}
 * in the transaction that fans them out.
 *
 * <p>What "dispatched" is depends on the dialect. SQLite has one writer at a time, so events
 * commit in position order and a cursor (the last dispatched position, V18) says it: marking moves
 * one row. PostgreSQL's concurrent transactions can commit a lower position after a higher one,
 * so there each event carries its own {@code dispatched_at}, and a late commit is never skipped.
 */
public final class JdbcEventOutbox implements EventOutbox, EventLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> DATA = new TypeReference<>() {};
  private static final String COLUMNS = "seq, id, type, event_time, namespace, subject, tags, data";

  /** An event as stored, with its position in the outbox. */
  public record StoredEvent(long seq, Event event) implements EventLog.Entry {}

  private final JdbcTransactions tx;
  private final boolean cursor;

  JdbcEventOutbox(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.cursor = dialect == Dialect.SQLITE;
  }

  @Override
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    if (cursor && events.size() <= MAX_ROWS_PER_INSERT) {
      // SQLite: one multi-row INSERT, atomic by itself, so no savepoint of its own (writeOne)
      tx.writeOne("storing events", c -> {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ROWS[events.size()])) {
          int i = 1;
          for (Event e : events) {
            i = bind(ps, i, e);
          }
          ps.executeUpdate();
        }
        return null;
      });
      return;
    }
    tx.write("storing events", c -> {
      try (PreparedStatement ps = c.prepareStatement(INSERT_ROWS[1])) {
        for (Event e : events) {
          bind(ps, 1, e);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Events stored by one statement on SQLite (a put writes three, a rotation a few more; the limit
   * bounds the statement variants each connection caches); a longer list is inserted row by row in
   * a savepoint.
   */
  static final int MAX_ROWS_PER_INSERT = 8;
  /** {@code INSERT_ROWS[n]} inserts n events. */
  private static final String[] INSERT_ROWS = new String[MAX_ROWS_PER_INSERT + 1];

  static {
    for (int n = 1; n <= MAX_ROWS_PER_INSERT; n++) {
      INSERT_ROWS[n] = "INSERT INTO events (id, type, event_time, namespace, subject, tags, data) VALUES "
          + String.join(", ", java.util.Collections.nCopies(n, "(?, ?, ?, ?, ?, ?, ?)"));
    }
  }

  /** Binds one event's seven columns from parameter {@code first}; returns the next parameter. */
  private static int bind(PreparedStatement ps, int first, Event e) throws SQLException {
    ps.setString(first, e.id().toString());
    ps.setString(first + 1, e.type().shortName());
    ps.setLong(first + 2, Columns.nanos(e.time()));
    ps.setString(first + 3, e.namespace());
    ps.setString(first + 4, e.subject());
    ps.setString(first + 5, Columns.tags(e.tags()));
    ps.setString(first + 6, write(e.data()));
    return first + 7;
  }

  @Override
  public Optional<StoredEvent> find(long seq) {
    return tx.read("reading an event", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE seq = ?")) {
        ps.setLong(1, seq);
        List<StoredEvent> found = readAll(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<StoredEvent> recent(Long beforeSeq, EventType type, int limit) {
    return tx.read("reading recent events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE seq < ?"
          + (type == null ? "" : " AND type = ?") + " ORDER BY seq DESC LIMIT ?")) {
        int i = 1;
        ps.setLong(i++, beforeSeq == null ? Long.MAX_VALUE : beforeSeq);
        if (type != null) {
          ps.setString(i++, type.shortName());
        }
        ps.setInt(i, limit);
        return readAll(ps);
      }
    });
  }

  /** The oldest events not yet dispatched, at most {@code limit}, in outbox order. */
  @Override
  public List<StoredEvent> undispatched(int limit) {
    return tx.read("reading undispatched events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE "
          + (cursor ? "seq > (SELECT seq FROM event_dispatch_cursor)" : "dispatched_at IS NULL")
          + " ORDER BY seq LIMIT ?")) {
        ps.setInt(1, limit);
        return readAll(ps);
      }
    });
  }

  /** Events after {@code afterSeq} in outbox order, whether dispatched or not. */
  public List<StoredEvent> after(long afterSeq, int limit) {
    return tx.read("reading events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
        ps.setLong(1, afterSeq);
        ps.setInt(2, limit);
        return readAll(ps);
      }
    });
  }

  /**
   * Marks events as dispatched unless another node already did; returns the sequence numbers this
   * call marked, so that exactly one dispatcher fans each event out.
   */
  @Override
  public List<Long> markDispatched(List<Long> seqs, Instant at) {
    if (cursor) {
      return moveCursor(seqs);
    }
    return tx.write("marking events dispatched", c -> {
      List<Long> marked = new ArrayList<>();
      // One statement per chunk; a short last chunk repeats its last number (IN ignores duplicates),
      // so every call prepares the same SQL.
      try (PreparedStatement ps = c.prepareStatement(MARK_DISPATCHED)) {
        for (int from = 0; from < seqs.size(); from += MARK_CHUNK) {
          ps.setLong(1, Columns.nanos(at));
          for (int i = 0; i < MARK_CHUNK; i++) {
            ps.setLong(2 + i, seqs.get(Math.min(from + i, seqs.size() - 1)));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              marked.add(rs.getLong(1));
            }
          }
        }
      }
      marked.sort(null); // RETURNING gives no order
      return marked;
    });
  }

  /**
   * SQLite: the positions after the cursor are this call's; the cursor moves to the last of them
   * (never back). {@code seqs} come from {@link #undispatched}, in order, so no event is passed over.
   */
  private List<Long> moveCursor(List<Long> seqs) {
    if (seqs.isEmpty()) {
      return List.of();
    }
    return tx.write("marking events dispatched", c -> {
      long last;
      try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM event_dispatch_cursor WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the event dispatch cursor is missing");
        }
        last = rs.getLong(1);
      }
      List<Long> marked = new ArrayList<>();
      for (long seq : seqs) {
        if (seq > last) {
          marked.add(seq);
        }
      }
      if (marked.isEmpty()) {
        return marked;
      }
      marked.sort(null);
      try (PreparedStatement ps = c.prepareStatement("UPDATE event_dispatch_cursor SET seq = ? WHERE id = 1")) {
        ps.setLong(1, marked.get(marked.size() - 1));
        ps.executeUpdate();
      }
      return marked;
    });
  }

  /** Events marked per statement by {@link #markDispatched}. */
  static final int MARK_CHUNK = 64;
  private static final String MARK_DISPATCHED = "UPDATE events SET dispatched_at = ? WHERE dispatched_at IS NULL AND seq IN ("
      + String.join(", ", java.util.Collections.nCopies(MARK_CHUNK, "?")) + ") RETURNING seq";

  private static List<StoredEvent> readAll(PreparedStatement ps) throws SQLException {
    List<StoredEvent> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String type = rs.getString("type");
        Event e = new Event(UUID.fromString(rs.getString("id")),
            EventType.fromName(type).orElseThrow(() -> new IllegalStateException("unknown stored event type " + type)),
            Columns.instant(rs.getLong("event_time")), rs.getString("namespace"), rs.getString("subject"),
            Columns.tags(rs.getString("tags")), read(rs.getString("data")));
        out.add(new StoredEvent(rs.getLong("seq"), e));
      }
    }
    return out;
  }

  private static String write(Map<String, Object> data) {
    try {
      return JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode event data", e);
    }
  }

  private static Map<String, Object> read(String json) {
    try {
      return JSON.readValue(json, DATA);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored event data is corrupt", e);
    }
  }
}
