package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingOrigin;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of {@code consumer_bindings}: one consumer's use of one key or secret (the binding's
 * {@link BindingSubject}, stored as {@code subject_kind} and {@code key_name}). Part of
 * {@link JdbcConsumerRepository}; writes join the caller's transaction.
 */
final class JdbcBindings {
  static final String BINDING_COLUMNS = "namespace, key_name, consumer, origin, mode, version, since,"
      + " previous_version, target_version, state, deadline, last_seen_at, hook_state, hook_attempts, hook_next_at,"
      + " hook_error, updated_at, subject_kind";

  private final JdbcTransactions tx;
  /** Appended to a read that locks the binding: PostgreSQL only (SQLite has one writer at a time). */
  private final String lock;

  JdbcBindings(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
  }

  Optional<Binding> findBinding(String namespace, String consumer, BindingSubject subject) {
    return findBinding(namespace, consumer, subject, false);
  }

  /** With {@code lock}, the row stays locked until the caller's transaction ends (PostgreSQL). */
  Optional<Binding> findBinding(String namespace, String consumer, BindingSubject subject, boolean lock) {
    return tx.read("reading a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS
          + " FROM consumer_bindings WHERE namespace = ? AND subject_kind = ? AND key_name = ? AND consumer = ?"
          + (lock ? this.lock : ""))) {
        ps.setString(1, namespace);
        ps.setString(2, subject.kind().name());
        ps.setString(3, subject.name());
        ps.setString(4, consumer);
        List<Binding> found = bindings(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  boolean insertBinding(Binding b) {
    return tx.write("storing a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_bindings (" + BINDING_COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, b.namespace());
        ps.setString(2, b.key());
        ps.setString(3, b.consumer());
        ps.setString(4, b.origin().name());
        setBindingState(ps, 5, b);
        ps.setString(18, b.subject().kind().name());
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Sets mode .. updated_at (13 parameters) from {@code first}. */
  private static void setBindingState(PreparedStatement ps, int first, Binding b) throws SQLException {
    int i = setBindingProgress(ps, first, b);
    Columns.setInstant(ps, i++, hookNextAt(b));
    Columns.setNullableString(ps, i++, b.hookError());
    ps.setLong(i, Columns.nanos(b.updatedAt()));
  }

  /** Sets mode .. hook_attempts (10 parameters) from {@code first}; returns the next index. */
  private static int setBindingProgress(PreparedStatement ps, int first, Binding b) throws SQLException {
    int i = first;
    ps.setString(i++, b.mode().name());
    ps.setInt(i++, b.version());
    Columns.setInstant(ps, i++, b.since());
    ps.setInt(i++, b.previousVersion());
    ps.setInt(i++, b.targetVersion());
    ps.setString(i++, b.state().name());
    Columns.setInstant(ps, i++, b.deadline());
    Columns.setInstant(ps, i++, b.lastSeenAt());
    ps.setString(i++, b.hookState().name());
    ps.setInt(i++, b.hookAttempts());
    return i;
  }

  /** When a pending hook call is next due: now for a newly pending one (an earlier time is kept on update). */
  private static Instant hookNextAt(Binding b) {
    return b.hookState() == Binding.HookState.PENDING ? b.updatedAt() : null;
  }

  void saveBinding(Binding b) {
    tx.write("updating a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET mode = ?, version = ?, since = ?,"
          + " previous_version = ?, target_version = ?, state = ?, deadline = ?, last_seen_at = ?, hook_state = ?,"
          + " hook_attempts = ?, hook_next_at = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(hook_next_at, ?) END,"
          + " hook_error = ?, updated_at = ?, origin = ? WHERE namespace = ? AND key_name = ? AND consumer = ?"
          + " AND subject_kind = ?")) {
        int i = setBindingProgress(ps, 1, b);
        Instant next = hookNextAt(b);
        Columns.setInstant(ps, i++, next);
        Columns.setInstant(ps, i++, next);
        Columns.setNullableString(ps, i++, b.hookError());
        ps.setLong(i++, Columns.nanos(b.updatedAt()));
        ps.setString(i++, b.origin().name());
        ps.setString(i++, b.namespace());
        ps.setString(i++, b.key());
        ps.setString(i++, b.consumer());
        ps.setString(i, b.subject().kind().name());
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("consumer '" + b.consumer() + "' has no binding to "
              + b.subject().kind().wireName() + " '" + b.key() + "'");
        }
      }
      return null;
    });
  }

  boolean deleteBinding(String namespace, String consumer, BindingSubject subject) {
    return tx.write("removing a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? AND consumer = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, subject.kind().name());
        ps.setString(3, subject.name());
        ps.setString(4, consumer);
        return ps.executeUpdate() == 1;
      }
    });
  }

  List<Binding> bindingsOf(String namespace, String consumer) {
    return tx.read("reading a consumer's bindings", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS
          + " FROM consumer_bindings WHERE namespace = ? AND consumer = ? ORDER BY key_name")) {
        ps.setString(1, namespace);
        ps.setString(2, consumer);
        return bindings(ps);
      }
    });
  }

  List<Binding> bindingsOfSubject(String namespace, BindingSubject subject, String afterConsumer, int limit) {
    return tx.read("reading the bindings of a key or secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? AND consumer > ? ORDER BY consumer LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, subject.kind().name());
        ps.setString(3, subject.name());
        ps.setString(4, afterConsumer == null ? "" : afterConsumer);
        ps.setInt(5, limit);
        return bindings(ps);
      }
    });
  }

  boolean hasBindings(String namespace, BindingSubject subject) {
    return tx.read("checking for bindings of a key or secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? LIMIT 1")) {
        ps.setString(1, namespace);
        ps.setString(2, subject.kind().name());
        ps.setString(3, subject.name());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** Names asked per statement by {@link #bound}; a short last chunk repeats its last name (IN ignores it). */
  static final int BOUND_CHUNK = 32;
  private static final String BOUND = "SELECT DISTINCT key_name FROM consumer_bindings WHERE namespace = ?"
      + " AND subject_kind = ? AND key_name IN (" + String.join(", ", java.util.Collections.nCopies(BOUND_CHUNK, "?"))
      + ")";

  /** One statement per kind and chunk of names, each a seek on the primary key's (namespace, kind, name) prefix. */
  java.util.Set<BindingSubject> bound(String namespace, java.util.Collection<BindingSubject> subjects) {
    java.util.Set<BindingSubject> out = new java.util.HashSet<>();
    if (subjects.isEmpty()) {
      return out;
    }
    return tx.read("checking a batch of keys and secrets for bindings", c -> {
      try (PreparedStatement ps = c.prepareStatement(BOUND)) {
        for (BindingSubject.Kind kind : BindingSubject.Kind.values()) {
          List<String> names = subjects.stream().filter(s -> s.kind() == kind).map(BindingSubject::name).distinct()
              .toList();
          for (int from = 0; from < names.size(); from += BOUND_CHUNK) {
            ps.setString(1, namespace);
            ps.setString(2, kind.name());
            for (int i = 0; i < BOUND_CHUNK; i++) {
              ps.setString(3 + i, names.get(Math.min(from + i, names.size() - 1)));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new BindingSubject(kind, rs.getString(1)));
              }
            }
          }
        }
      }
      return out;
    });
  }

  List<Binding> bindingsInState(String namespace, BindingState state, int limit) {
    String literal = "'" + state.name() + "'"; // an enum name: a literal, so the partial index applies
    return tx.read("reading bindings by state", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE state = " + literal + (namespace == null ? "" : " AND namespace = ?")
          + " ORDER BY deadline, namespace, key_name, consumer LIMIT ?")) {
        int i = 1;
        if (namespace != null) {
          ps.setString(i++, namespace);
        }
        ps.setInt(i, limit);
        return bindings(ps);
      }
    });
  }
  List<String> consumersUsing(String namespace, BindingSubject subject, int version, Instant leftSince) {
    return tx.read("finding the consumers of a version", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT consumer FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ?"
          + " AND (version = ? OR (previous_version = ? AND since >= ?)) ORDER BY consumer")) {
        ps.setString(1, namespace);
        ps.setString(2, subject.kind().name());
        ps.setString(3, subject.name());
        ps.setInt(4, version);
        ps.setInt(5, version);
        ps.setLong(6, Columns.nanos(leftSince));
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      }
    });
  }
  static List<Binding> bindings(PreparedStatement ps) throws SQLException {
    return read(ps, false);
  }

  /** As {@link #bindings}, but {@code updatedAt} carries hook_next_at: the claim compares it. */
  static List<Binding> bindingsWithNext(PreparedStatement ps) throws SQLException {
    return read(ps, true);
  }

  private static List<Binding> read(PreparedStatement ps, boolean nextAsUpdated) throws SQLException {
    List<Binding> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Binding(rs.getString("namespace"), rs.getString("consumer"),
            new BindingSubject(BindingSubject.Kind.valueOf(rs.getString("subject_kind")), rs.getString("key_name")),
            BindingOrigin.valueOf(rs.getString("origin")), BindingMode.valueOf(rs.getString("mode")),
            rs.getInt("version"), Columns.getInstant(rs, "since"), rs.getInt("previous_version"),
            rs.getInt("target_version"), BindingState.valueOf(rs.getString("state")),
            Columns.getInstant(rs, "deadline"), Columns.getInstant(rs, "last_seen_at"),
            Binding.HookState.valueOf(rs.getString("hook_state")), rs.getInt("hook_attempts"),
            rs.getString("hook_error"),
            Columns.getInstant(rs, nextAsUpdated ? "hook_next_at" : "updated_at")));
      }
    }
    return out;
  }
}
