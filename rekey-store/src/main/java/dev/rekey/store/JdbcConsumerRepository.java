package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingOrigin;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.ConsumerRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consumers and bindings in tables {@code consumers}, {@code consumer_selectors},
 * {@code consumer_bindings}, {@code consumer_updates} and {@code propagation_policies}. States are
 * stored by enum name and written as literals in queries on partial indexes, so the planner uses
 * them (a bound parameter would not match the index predicate).
 */
final class JdbcConsumerRepository implements ConsumerRepository {
  private static final String CONSUMER_COLUMNS = "namespace, name, kind, tags, owner, principal, hook_url,"
      + " hook_secret, hook_secret_root_key_id, created_at, updated_at";
  private static final String BINDING_COLUMNS = "namespace, key_name, consumer, origin, mode, version, since,"
      + " previous_version, target_version, state, deadline, last_seen_at, hook_state, hook_attempts, hook_next_at,"
      + " hook_error, updated_at, subject_kind";
  private static final String NAMESPACE_DEFAULT = "*";

  private final JdbcTransactions tx;

  JdbcConsumerRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Consumer c) {
    tx.write("registering a consumer", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO consumers (" + CONSUMER_COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        setConsumer(ps, c);
        if (ps.executeUpdate() == 0) {
          throw RekeyException.alreadyExists("a consumer '" + c.name() + "' already exists in namespace '"
              + c.namespace() + "'");
        }
      }
      return null;
    });
  }

  private static void setConsumer(PreparedStatement ps, Consumer c) throws SQLException {
    ps.setString(1, c.namespace());
    ps.setString(2, c.name());
    ps.setString(3, c.kind());
    ps.setString(4, Columns.tags(c.tags()));
    Columns.setNullableString(ps, 5, c.owner());
    Columns.setNullableString(ps, 6, c.principal());
    Columns.setNullableString(ps, 7, c.hookUrl());
    ps.setBytes(8, c.hookSecret() == null ? null : c.hookSecret().ciphertext());
    Columns.setNullableString(ps, 9, c.hookSecret() == null ? null : c.hookSecret().rootKeyId());
    ps.setLong(10, Columns.nanos(c.createdAt()));
    ps.setLong(11, Columns.nanos(c.updatedAt()));
  }

  @Override
  public Optional<Consumer> find(String namespace, String name) {
    return tx.read("reading a consumer", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND name = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        List<Consumer> found = consumers(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<Consumer> list(String namespace, String afterName, int limit) {
    return tx.read("listing consumers", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND name > ? ORDER BY name LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, afterName == null ? "" : afterName);
        ps.setInt(3, limit);
        return consumers(ps);
      }
    });
  }

  @Override
  public void update(Consumer c) {
    tx.write("updating a consumer", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE consumers SET kind = ?, tags = ?, owner = ?,"
          + " principal = ?, hook_url = ?, hook_secret = ?, hook_secret_root_key_id = ?, updated_at = ?"
          + " WHERE namespace = ? AND name = ?")) {
        ps.setString(1, c.kind());
        ps.setString(2, Columns.tags(c.tags()));
        Columns.setNullableString(ps, 3, c.owner());
        Columns.setNullableString(ps, 4, c.principal());
        Columns.setNullableString(ps, 5, c.hookUrl());
        ps.setBytes(6, c.hookSecret() == null ? null : c.hookSecret().ciphertext());
        Columns.setNullableString(ps, 7, c.hookSecret() == null ? null : c.hookSecret().rootKeyId());
        ps.setLong(8, Columns.nanos(c.updatedAt()));
        ps.setString(9, c.namespace());
        ps.setString(10, c.name());
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("no consumer '" + c.name() + "' in namespace '" + c.namespace() + "'");
        }
      }
      return null;
    });
  }

  @Override
  public boolean delete(String namespace, String name) {
    return tx.write("removing a consumer", c -> {
      for (String table : List.of("consumer_bindings", "consumer_selectors")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE namespace = ? AND consumer = ?")) {
          ps.setString(1, namespace);
          ps.setString(2, name);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumers WHERE namespace = ? AND name = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Consumer> byPrincipal(String namespace, String principal) {
    return tx.read("finding consumers by principal", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND principal = ? ORDER BY name")) {
        ps.setString(1, namespace);
        ps.setString(2, principal);
        return consumers(ps);
      }
    });
  }

  @Override
  public List<Consumer> hookSecretsWrappedByOtherRoot(String currentRootKeyId, int limit) {
    return tx.read("finding consumer hook secrets to re-wrap", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS + " FROM consumers"
          + " WHERE hook_secret_root_key_id IS NOT NULL AND hook_secret_root_key_id <> ? ORDER BY namespace, name LIMIT ?")) {
        ps.setString(1, currentRootKeyId);
        ps.setInt(2, limit);
        return consumers(ps);
      }
    });
  }

  @Override
  public boolean replaceHookSecret(String namespace, String name, WrappedKey expected, WrappedKey next) {
    return tx.write("re-wrapping a consumer hook secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumers SET hook_secret = ?, hook_secret_root_key_id = ?"
          + " WHERE namespace = ? AND name = ? AND hook_secret = ? AND hook_secret_root_key_id = ?")) {
        ps.setBytes(1, next.ciphertext());
        ps.setString(2, next.rootKeyId());
        ps.setString(3, namespace);
        ps.setString(4, name);
        ps.setBytes(5, expected.ciphertext());
        ps.setString(6, expected.rootKeyId());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void putSelector(String namespace, Selector s) {
    tx.write("storing a consumer selector", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_selectors (namespace, consumer, tags, mode)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, consumer, tags) DO UPDATE SET mode = excluded.mode")) {
        ps.setString(1, namespace);
        ps.setString(2, s.consumer());
        ps.setString(3, Columns.tags(s.tags()));
        ps.setString(4, s.mode().name());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean deleteSelector(String namespace, String consumer, Map<String, String> tags) {
    return tx.write("removing a consumer selector", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumer_selectors"
          + " WHERE namespace = ? AND consumer = ? AND tags = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, consumer);
        ps.setString(3, Columns.tags(tags));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Selector> selectors(String namespace) {
    return tx.read("reading consumer selectors", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT consumer, tags, mode FROM consumer_selectors"
          + " WHERE namespace = ? ORDER BY consumer, tags")) {
        ps.setString(1, namespace);
        List<Selector> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Selector(rs.getString(1), Columns.tags(rs.getString(2)), BindingMode.valueOf(rs.getString(3))));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<Binding> findBinding(String namespace, String consumer, String key) {
    return tx.read("reading a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS
          + " FROM consumer_bindings WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND consumer = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, key);
        ps.setString(3, consumer);
        List<Binding> found = bindings(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public boolean insertBinding(Binding b) {
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
    Columns.setInstant(ps, i++, b.hookState() == Binding.HookState.PENDING ? b.updatedAt() : null);
    Columns.setNullableString(ps, i++, b.hookError());
    ps.setLong(i, Columns.nanos(b.updatedAt()));
  }

  @Override
  public void saveBinding(Binding b) {
    tx.write("updating a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET mode = ?, version = ?, since = ?,"
          + " previous_version = ?, target_version = ?, state = ?, deadline = ?, last_seen_at = ?, hook_state = ?,"
          + " hook_attempts = ?, hook_next_at = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(hook_next_at, ?) END,"
          + " hook_error = ?, updated_at = ?, origin = ? WHERE namespace = ? AND key_name = ? AND consumer = ?"
          + " AND subject_kind = ?")) {
        int i = 1;
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
        Instant next = b.hookState() == Binding.HookState.PENDING ? b.updatedAt() : null;
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

  @Override
  public boolean deleteBinding(String namespace, String consumer, String key) {
    return tx.write("removing a binding", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND consumer = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, key);
        ps.setString(3, consumer);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Binding> bindingsOf(String namespace, String consumer) {
    return tx.read("reading a consumer's bindings", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS
          + " FROM consumer_bindings WHERE namespace = ? AND consumer = ? ORDER BY key_name")) {
        ps.setString(1, namespace);
        ps.setString(2, consumer);
        return bindings(ps);
      }
    });
  }

  @Override
  public List<Binding> bindingsOfKey(String namespace, String key, String afterConsumer, int limit) {
    return tx.read("reading a key's bindings", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND consumer > ? ORDER BY consumer LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, key);
        ps.setString(3, afterConsumer == null ? "" : afterConsumer);
        ps.setInt(4, limit);
        return bindings(ps);
      }
    });
  }

  @Override
  public List<Binding> bindingsInState(String namespace, BindingState state, int limit) {
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

  @Override
  public int startRotation(String namespace, String key, int version, Instant now, Instant deadline) {
    return tx.write("starting a rotation on bindings", c -> {
      int moved;
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET"
          + " state = CASE WHEN state = 'STALE' THEN 'STALE' ELSE 'PENDING_UPDATE' END,"
          + " target_version = ?, deadline = ?,"
          + " hook_state = CASE WHEN EXISTS (SELECT 1 FROM consumers WHERE consumers.namespace = consumer_bindings.namespace"
          + " AND consumers.name = consumer_bindings.consumer AND consumers.hook_url IS NOT NULL) THEN 'PENDING' ELSE 'NONE' END,"
          + " hook_attempts = 0, hook_next_at = ?, hook_error = NULL, updated_at = ?"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND version < ?")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(deadline));
        ps.setLong(3, Columns.nanos(now));
        ps.setLong(4, Columns.nanos(now));
        ps.setString(5, namespace);
        ps.setString(6, key);
        ps.setInt(7, version);
        moved = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_bindings SET target_version = ?, updated_at = ?"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND version >= ? AND target_version < ?")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(now));
        ps.setString(3, namespace);
        ps.setString(4, key);
        ps.setInt(5, version);
        ps.setInt(6, version);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_updates (namespace, key_name, version,"
          + " consumer, requested_at, deadline, confirmed_at, stale_at) SELECT namespace, key_name, ?, consumer, ?, ?,"
          + " CASE WHEN version >= ? THEN ? ELSE NULL END, NULL FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? ON CONFLICT DO NOTHING")) {
        ps.setInt(1, version);
        ps.setLong(2, Columns.nanos(now));
        ps.setLong(3, Columns.nanos(deadline));
        ps.setInt(4, version);
        ps.setLong(5, Columns.nanos(now));
        ps.setString(6, namespace);
        ps.setString(7, key);
        ps.executeUpdate();
      }
      return moved;
    });
  }

  @Override
  public List<Binding> dueDeadlines(Instant now, int limit) {
    return tx.read("finding bindings past their deadline", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE state = 'PENDING_UPDATE' AND deadline <= ? ORDER BY deadline LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        return bindings(ps);
      }
    });
  }

  @Override
  public boolean markStale(Binding b, Instant now) {
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

  @Override
  public List<Binding> claimHooks(Instant now, Instant leaseUntil, int limit) {
    return tx.write("claiming consumer hook calls", c -> {
      List<Binding> due;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + BINDING_COLUMNS + " FROM consumer_bindings"
          + " WHERE hook_state = 'PENDING' AND hook_next_at <= ? ORDER BY hook_next_at LIMIT ?")) {
        ps.setLong(1, Columns.nanos(now));
        ps.setInt(2, limit);
        due = bindingsWithNext(ps);
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

  @Override
  public void hookResult(Binding b, Binding.HookState state, int attempts, Instant nextAt, String error, Instant now) {
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

  @Override
  public void confirmUpdates(String namespace, String key, String consumer, int version, Instant at) {
    tx.write("confirming rotation updates", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_updates SET confirmed_at = ?"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND consumer = ? AND version <= ? AND confirmed_at IS NULL")) {
        ps.setLong(1, Columns.nanos(at));
        ps.setString(2, namespace);
        ps.setString(3, key);
        ps.setString(4, consumer);
        ps.setInt(5, version);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<RotationUpdate> updates(String namespace, String key, int limit) {
    return tx.read("reading rotation updates", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace, key_name, version, consumer, requested_at,"
          + " deadline, confirmed_at, stale_at FROM consumer_updates WHERE namespace = ?"
          + (key == null ? "" : " AND subject_kind = 'KEY' AND key_name = ?")
          + " ORDER BY requested_at DESC, key_name, version DESC, consumer LIMIT ?")) {
        int i = 1;
        ps.setString(i++, namespace);
        if (key != null) {
          ps.setString(i++, key);
        }
        ps.setInt(i, limit);
        List<RotationUpdate> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new RotationUpdate(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                Columns.getInstant(rs, "requested_at"), Columns.getInstant(rs, "deadline"),
                Columns.getInstant(rs, "confirmed_at"), Columns.getInstant(rs, "stale_at")));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<PropagationPolicy> policy(String namespace, String key) {
    return tx.read("reading a propagation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT deadline_millis, quiet_period_millis,"
          + " verify_before_promote FROM propagation_policies WHERE namespace = ? AND key_name IN (?, ?)"
          + " ORDER BY CASE WHEN key_name = ? THEN 1 ELSE 0 END LIMIT 1")) {
        ps.setString(1, namespace);
        ps.setString(2, key == null ? NAMESPACE_DEFAULT : key);
        ps.setString(3, NAMESPACE_DEFAULT);
        ps.setString(4, NAMESPACE_DEFAULT);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new PropagationPolicy(Duration.ofMillis(rs.getLong(1)),
              Duration.ofMillis(rs.getLong(2)), rs.getBoolean(3))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void putPolicy(String namespace, String key, PropagationPolicy p) {
    tx.write("storing a propagation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO propagation_policies (namespace, key_name,"
          + " deadline_millis, quiet_period_millis, verify_before_promote) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace, key_name) DO UPDATE SET deadline_millis = excluded.deadline_millis,"
          + " quiet_period_millis = excluded.quiet_period_millis,"
          + " verify_before_promote = excluded.verify_before_promote")) {
        ps.setString(1, namespace);
        ps.setString(2, key == null ? NAMESPACE_DEFAULT : key);
        ps.setLong(3, p.deadline().toMillis());
        ps.setLong(4, p.quietPeriod().toMillis());
        ps.setBoolean(5, p.verifyBeforePromote());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<String> consumersUsing(String namespace, String key, int version, Instant leftSince) {
    return tx.read("finding the consumers of a key version", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT consumer FROM consumer_bindings"
          + " WHERE namespace = ? AND subject_kind = 'KEY' AND key_name = ? AND (version = ? OR (previous_version = ? AND since >= ?))"
          + " ORDER BY consumer")) {
        ps.setString(1, namespace);
        ps.setString(2, key);
        ps.setInt(3, version);
        ps.setInt(4, version);
        ps.setLong(5, Columns.nanos(leftSince));
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

  private static List<Consumer> consumers(PreparedStatement ps) throws SQLException {
    List<Consumer> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byte[] secret = rs.getBytes("hook_secret");
        out.add(new Consumer(rs.getString("namespace"), rs.getString("name"), rs.getString("kind"),
            Columns.tags(rs.getString("tags")), rs.getString("owner"), rs.getString("principal"),
            rs.getString("hook_url"), secret == null ? null : new WrappedKey(secret, rs.getString("hook_secret_root_key_id")),
            Columns.getInstant(rs, "created_at"), Columns.getInstant(rs, "updated_at")));
      }
    }
    return out;
  }

  private static List<Binding> bindings(PreparedStatement ps) throws SQLException {
    return read(ps, false);
  }

  /** As {@link #bindings}, but {@code updatedAt} carries hook_next_at: the claim compares it. */
  private static List<Binding> bindingsWithNext(PreparedStatement ps) throws SQLException {
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
