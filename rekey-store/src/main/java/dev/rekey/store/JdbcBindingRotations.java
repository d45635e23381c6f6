package dev.rekey.store;

import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.RotationUpdate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotations on {@code consumer_bindings} and their history in {@code consumer_updates}: starting a
 * rotation on every binding of a key or secret, deadlines, hook call claims and outcomes, and
 * confirmations. Part of {@link JdbcConsumerRepository}; writes join the caller's transaction.
 */
final class JdbcBindingRotations {
  private final JdbcTransactions tx;

  JdbcBindingRotations(JdbcTransactions tx) {
    this.tx = tx;
  }

  int startRotation(String namespace, BindingSubject subject, int version, Instant now, Instant deadline) {
    String kind = subject.kind().name();
    String key = subject.name();
    return tx.write("starting a rotation on bindings", c -> {
      int moved;
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET"
          + " state = CASE WHEN state = 'STALE' THEN 'STALE' ELSE 'PENDING_UPDATE' END,"
          + " target_version = ?, deadline = ?,"
          + " hook_state = CASE WHEN EXISTS (SELECT 1 FROM consumers WHERE consumers.namespace = consumer_bindings.namespace"
          + " AND consumers.name = consumer_bindings.consumer AND consumers.hook_url IS NOT NULL) THEN 'PENDING' ELSE 'NONE' END,"
          + " hook_attempts = 0, hook_next_at = ?, hook_error = NULL, updated_at = ?"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? AND version < ?")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(deadline));
        ps.setLong(3, Columns.nanos(now));
        ps.setLong(4, Columns.nanos(now));
        ps.setString(5, namespace);
        ps.setString(6, kind);
        ps.setString(7, key);
        ps.setInt(8, version);
        moved = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET target_version = ?, updated_at = ?"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? AND version >= ? AND target_version < ?")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(now));
        ps.setString(3, namespace);
        ps.setString(4, kind);
        ps.setString(5, key);
        ps.setInt(6, version);
        ps.setInt(7, version);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_updates (namespace, subject_kind, key_name,"
          + " version, consumer, requested_at, deadline, confirmed_at, stale_at) SELECT namespace, subject_kind, key_name,"
          + " ?, consumer, ?, ?, CASE WHEN version >= ? THEN ? ELSE NULL END, NULL FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = ? AND key_name = ? ON CONFLICT DO NOTHING")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(now));
        ps.setLong(3, Columns.nanos(deadline));
        ps.setInt(4, version);
        ps.setLong(5, Columns.nanos(now));
        ps.setString(6, namespace);
        ps.setString(7, kind);
        ps.setString(8, key);
        ps.executeUpdate();
      }
      return moved;
    });
  }

  List<Binding> dueDeadlines(Instant now, int limit) {
    return tx.read("finding bindings past their deadline", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JdbcBindings.BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE state = 'PENDING_UPDATE' AND deadline <= ? ORDER BY deadline LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        return JdbcBindings.bindings(ps);
      }
    });
  }

  boolean markStale(Binding b, Instant now) {
    return tx.write("marking a binding stale", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET state = 'STALE', updated_at = ?"
          + " WHERE namespace = ? AND key_name = ? AND consumer = ? AND state = 'PENDING_UPDATE' AND target_version = ?"
          + " AND subject_kind = ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setString(2, b.namespace());
        ps.setString(3, b.key());
        ps.setString(4, b.consumer());
        ps.setInt(5, b.targetVersion());
        ps.setString(6, b.subject().kind().name());
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_updates SET stale_at = ?"
          + " WHERE namespace = ? AND key_name = ? AND version = ? AND consumer = ? AND stale_at IS NULL"
          + " AND subject_kind = ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setString(2, b.namespace());
        ps.setString(3, b.key());
        ps.setInt(4, b.targetVersion());
        ps.setString(5, b.consumer());
        ps.setString(6, b.subject().kind().name());
        ps.executeUpdate();
      }
      return true;
    });
  }

  List<Binding> claimHooks(Instant now, Instant leaseUntil, int limit) {
    return tx.write("claiming consumer hook calls", c -> {
      List<Binding> due;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JdbcBindings.BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE hook_state = 'PENDING' AND hook_next_at <= ? ORDER BY hook_next_at LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        due = JdbcBindings.bindingsWithNext(ps);
      }
      List<Binding> claimed = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET hook_next_at = ?"
          + " WHERE namespace = ? AND key_name = ? AND consumer = ? AND hook_state = 'PENDING' AND hook_next_at = ?"
          + " AND target_version = ? AND subject_kind = ?")) {
        for (Binding b : due) {
          ps.setLong(1, Columns.nanos(leaseUntil));
          ps.setString(2, b.namespace());
          ps.setString(3, b.key());
          ps.setString(4, b.consumer());
          ps.setLong(5, Columns.nanos(b.updatedAt()));
          ps.setInt(6, b.targetVersion());
          ps.setString(7, b.subject().kind().name());
          if (ps.executeUpdate() == 1) {
            claimed.add(b);
          }
        }
      }
      return claimed;
    });
  }

  void hookResult(Binding b, Binding.HookState state, int attempts, Instant nextAt, String error, Instant now) {
    tx.write("recording a consumer hook call", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET hook_state = ?, hook_attempts = ?,"
          + " hook_next_at = ?, hook_error = ?, updated_at = ? WHERE namespace = ? AND key_name = ? AND consumer = ?"
          + " AND hook_state = 'PENDING' AND target_version = ? AND subject_kind = ?")) {
        ps.setString(1, state.name());
        ps.setInt(2, attempts);
        Columns.setInstant(ps, 3, state == Binding.HookState.PENDING ? nextAt : null);
        Columns.setNullableString(ps, 4, error);
        ps.setLong(5, Columns.nanos(now));
        ps.setString(6, b.namespace());
        ps.setString(7, b.key());
        ps.setString(8, b.consumer());
        ps.setInt(9, b.targetVersion());
        ps.setString(10, b.subject().kind().name());
        ps.executeUpdate();
      }
      return null;
    });
  }

  void confirmUpdates(String namespace, BindingSubject subject, String consumer, int version, Instant at) {
    tx.write("confirming rotation updates", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_updates SET confirmed_at = ? WHERE namespace = ?"
          + " AND subject_kind = ? AND key_name = ? AND consumer = ? AND version <= ? AND confirmed_at IS NULL")) {
        ps.setLong(1, Columns.nanos(at));
        ps.setString(2, namespace);
        ps.setString(3, subject.kind().name());
        ps.setString(4, subject.name());
        ps.setString(5, consumer);
        ps.setInt(6, version);
        ps.executeUpdate();
      }
      return null;
    });
  }

  List<RotationUpdate> updates(String namespace, BindingSubject subject, int limit) {
    return tx.read("reading rotation updates", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace, key_name, version, consumer, requested_at,"
          + " deadline, confirmed_at, stale_at, subject_kind FROM consumer_updates WHERE namespace = ?"
          + (subject == null ? "" : " AND subject_kind = ? AND key_name = ?")
          + " ORDER BY requested_at DESC, subject_kind, key_name, version DESC, consumer LIMIT ?")) {
        int i = 1;
        ps.setString(i++, namespace);
        if (subject != null) {
          ps.setString(i++, subject.kind().name());
          ps.setString(i++, subject.name());
        }
        ps.setInt(i, limit);
        List<RotationUpdate> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new RotationUpdate(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                Columns.getInstant(rs, "requested_at"), Columns.getInstant(rs, "deadline"),
                Columns.getInstant(rs, "confirmed_at"), Columns.getInstant(rs, "stale_at"),
                BindingSubject.Kind.valueOf(rs.getString("subject_kind"))));
          }
        }
        return out;
      }
    });
  }
}
