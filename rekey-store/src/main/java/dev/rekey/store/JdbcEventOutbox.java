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
 */
public final class JdbcEventOutbox implements EventOutbox, EventLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> DATA = new TypeReference<>() {};
  private static final String COLUMNS = "seq, id, type, event_time, namespace, subject, tags, data";

  /** An event as stored, with its position in the outbox. */
  public record StoredEvent(long seq, Event event) implements EventLog.Entry {}

  private final JdbcTransactions tx;

  JdbcEventOutbox(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    tx.write("storing events", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, type, event_time, namespace,"
          + " subject, tags, data) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Event e : events) {
          ps.setString(1, e.id().toString());
          ps.setString(2, e.type().shortName());
          ps.setLong(3, Columns.nanos(e.time()));
          ps.setString(4, e.namespace());
          ps.setString(5, e.subject());
          ps.setString(6, Columns.tags(e.tags()));
          ps.setString(7, write(e.data()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
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
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM events WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?")) {
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
